"""The tracker knows the player only through its event API: it never reaches for the media
element, so the player may change how it plays without the study-time accounting noticing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "credits" / "static" / "credits" / "tracker.js"
PLAYER = ROOT / "media_pipeline" / "static" / "media_pipeline" / "player.js"


def code_of(path: Path) -> str:
    """The script without its comments (which may well talk about videos)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*//.*$", "", text)


def test_the_tracker_never_touches_the_media_element():
    code = code_of(TRACKER)
    forbidden = {
        "a video or audio element": r"\b(video|audio)\b",
        "the player object": r"nightschoolPlayer|NightSchoolPlayer|setStart",
        "the player's markup": r"data-nightschool-player",
        "playing or pausing it directly": r"\.(play|pause)\s*\(",
        "setting the position directly": r"\.currentTime\s*=(?!=)",
        "the media's own time ranges": r"\.(start|end)\(\s*\w+\s*\)",
        "the media element by tag": r"getElementsByTagName|querySelector(All)?\([^)]*(video|audio)",
        "media element events": (
            r"""addEventListener\(\s*["'](play|pause|seeked|ended|timeupdate)["']"""
        ),
    }
    for what, pattern in forbidden.items():
        found = re.search(pattern, code)
        assert found is None, f"tracker.js reaches {what}: {found.group(0)!r}"


def test_the_tracker_uses_only_events_the_player_documents():
    player = PLAYER.read_text(encoding="utf-8")
    tracker = code_of(TRACKER)
    heard = set(re.findall(r'"nightschool:([a-z-]+)"', tracker))
    heard |= set(re.findall(r'"(play|pause|seeked|ended|timeupdate)"', tracker))
    requested = set(re.findall(r'request\("([a-z]+)"', tracker))
    assert {"play", "pause", "seek", "state"} <= requested
    documented = player[: player.index("*/")]
    for name in heard - {"credited", "pending:"}:
        assert re.search(rf"\b{re.escape(name)}\b", documented), name
    for name in requested:
        assert f"request-{name}" in documented, name
