"""Static files as a phone on weak data wants them, under `make run` as in production.

WhiteNoise's storage names each collected file by its content's hash and writes a compressed
copy beside it; WhiteNoise's middleware then serves the compressed copy to browsers that take
it, and a hashed file with ``Cache-Control: max-age=315360000, public, immutable``, so a
returning learner asks for none of them again.

Django's manifest storage hands out the plain names while ``DEBUG`` is on, which `make run`
uses; here the hashed names are handed out in every mode, so what a newcomer measures under
`make run` is what production sends. ``collectstatic`` must have run (`make run` does it when a
static file changed); a file missing from the manifest then raises, as in production.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        return super().url(name, force=True)
