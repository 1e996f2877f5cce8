"""A world map for the follow-up page, from the country outlines of pygal_maps_world (LGPL):
the whole map is one cacheable file, and a page inlines only the countries it highlights."""

import re
from functools import cache
from importlib import resources

VIEWBOX = "0 0 2475 1388"
_COUNTRY = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)


# The outlines come unstyled (pygal styles them from its own CSS): grey land, white borders.
STYLE = b"<style>.country{fill:#cfd8dc;stroke:#ffffff;stroke-width:0.6}</style>"


@cache
def _source() -> bytes:
    return (resources.files("pygal_maps_world") / "worldmap.svg").read_bytes()


@cache
def world_svg() -> bytes:
    source = _source()
    head_end = source.index(b">", source.index(b"<svg")) + 1
    return source[:head_end] + STYLE + source[head_end:]


@cache
def _outlines() -> dict[str, str]:
    return {code.upper(): paths.strip() for code, paths in _COUNTRY.findall(_source().decode())}


def outline(country: str) -> str:
    """The SVG paths of a country (ISO 3166-1 alpha-2), or "" if the map does not draw it."""
    return _outlines().get(country.upper(), "")
