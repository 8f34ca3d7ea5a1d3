"""Looking for a resident ID number inside an exported file, whatever its format."""

import contextlib
import io
import zipfile

NUMBER = "11010519491231002X"


def forms_of(number: str) -> list[bytes]:
    """The number and its first 17 digits, as the bytes a file could carry them in."""
    forms = []
    for text in (number, number.lower(), number[:17]):
        for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
            forms.append(text.encode(encoding))
    return forms


def assert_absent_from_bytes(data: bytes, number: str = NUMBER) -> None:
    for form in forms_of(number):
        assert form not in data, form


def assert_absent_from_text(text: str, number: str = NUMBER) -> None:
    assert number not in text and number[:17] not in text and number.lower() not in text


def assert_absent_from_zip(data: bytes, number: str = NUMBER) -> dict[str, bytes]:
    """Scan the archive itself and every member, decompressed; returns the members."""
    assert_absent_from_bytes(data, number)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for member in members.values():
        assert_absent_from_bytes(member, number)
    return members


def assert_absent_from_pdf(data: bytes, number: str = NUMBER) -> str:
    """Scan the raw file, the text of every page and every decompressed stream; returns the
    text, so a test can check the document carries what it should."""
    import pypdf

    assert_absent_from_bytes(data, number)
    reader = pypdf.PdfReader(io.BytesIO(data))
    # The embedded fonts' text comes out with NULs between the characters: drop them.
    text = "\n".join(page.extract_text() or "" for page in reader.pages).replace("\x00", "")
    assert_absent_from_text(text, number)
    objects = []
    for ref in range(1, reader.trailer["/Size"]):
        with contextlib.suppress(Exception):  # free entries
            objects.append(reader.get_object(ref))
    streams = [obj for obj in objects if hasattr(obj, "get_data")]
    assert streams  # the page contents and the fonts, at least
    for stream in streams:
        assert_absent_from_bytes(stream.get_data(), number)
    return text
