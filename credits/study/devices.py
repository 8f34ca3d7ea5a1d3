"""A device's name in a reviewer's words, read from the user agent a watch session kept.

A few ordered rules rather than a parser library: the evidence page needs "Android phone ·
Chrome", not a device database, and the browsers couriers use (WeChat, UC, Quark, the phone
makers' own) are named before the engines they are built on, whose names they also carry.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

# (pattern, name): the first that matches names the browser; the names of apps are translated.
# Order matters: WeChat's and the phone makers' browsers also say "Chrome" and "Safari"; Edge
# and Opera also say "Chrome".
BROWSERS = [
    (re.compile(r"MicroMessenger", re.I), N_("WeChat")),
    (re.compile(r"\bQQ/", re.I), "QQ"),
    (re.compile(r"DingTalk", re.I), N_("DingTalk")),
    (re.compile(r"AlipayClient", re.I), N_("Alipay")),
    (re.compile(r"UCBrowser|UCWEB", re.I), N_("UC Browser")),
    (re.compile(r"Quark", re.I), N_("Quark")),
    (re.compile(r"MQQBrowser", re.I), N_("QQ Browser")),
    (re.compile(r"HuaweiBrowser", re.I), N_("Huawei Browser")),
    (re.compile(r"HeyTapBrowser", re.I), N_("OPPO Browser")),
    (re.compile(r"VivoBrowser", re.I), N_("vivo Browser")),
    (re.compile(r"MiuiBrowser|XiaoMi/MiuiBrowser", re.I), N_("Xiaomi Browser")),
    (re.compile(r"SamsungBrowser", re.I), N_("Samsung Internet")),
    (re.compile(r"\bEdg(e|A|iOS)?/", re.I), "Edge"),
    (re.compile(r"\bOPR/|Opera", re.I), "Opera"),
    (re.compile(r"Firefox|FxiOS", re.I), "Firefox"),
    (re.compile(r"Chrome|CriOS|Chromium", re.I), "Chrome"),
    (re.compile(r"Safari", re.I), "Safari"),
]


def _system(agent: str) -> str | None:
    """The operating system and the kind of device, translated."""
    if re.search(r"HarmonyOS|OpenHarmony", agent, re.I):
        return _("HarmonyOS phone")
    if re.search(r"iPad", agent):
        return _("iPad")
    if re.search(r"iPhone|iPod", agent):
        return _("iPhone")
    if re.search(r"Android", agent, re.I):
        return _("Android phone") if re.search(r"Mobile", agent) else _("Android tablet")
    if re.search(r"Windows", agent):
        return _("Windows computer")
    if re.search(r"Macintosh|Mac OS X", agent):
        return _("Mac")
    if re.search(r"CrOS", agent):
        return _("Chromebook")
    if re.search(r"Linux|X11", agent):
        return _("Linux computer")
    return None


def device_name(user_agent: str) -> str:
    """ "Android phone · Chrome", or "unknown device" when the agent says nothing we know."""
    agent = user_agent or ""
    system = _system(agent)
    browser = next((_(name) for pattern, name in BROWSERS if pattern.search(agent)), None)
    if system is None and browser is None:
        return _("Unknown device")
    return " · ".join(part for part in (system or _("Unknown device"), browser) if part)
