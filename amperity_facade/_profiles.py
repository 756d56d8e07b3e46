"""Profile API operations (indexes and their profiles), independent of sync or async.

Built by the generated request builders like the control plane's, plus what the vendor
document cannot say: the `filter[<attribute>]=<value>` pairs it declares as one string (one
pair per attribute here, encoded by httpx so `&`, `=` or `]` in a value stay inside it), and
profiles read into the `ProfileResponse` model although the listing declares its items as
untyped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._families import PROFILE
from ._operations import Call, PageSource, _listing, _page_parser, _parser, _refusal, check_id
from ._pagination import Page
from ._shapes import Invalid, shape_of
from .errors import ConfigurationError

if TYPE_CHECKING:
    from amperity_api.models import Index, ProfileResponse

FilterValue = str | int | float | bool


def _filter_pairs(filters: object) -> list[tuple[str, str]]:
    """`{"loyalty_tier": "gold"}` -> `[("filter[loyalty_tier]", "gold")]`, checked."""
    if filters is None:
        return []
    if not isinstance(filters, Mapping):
        raise ConfigurationError(
            f"filters must be a mapping of attribute name to value, got {type(filters).__name__}"
        )
    pairs = []
    for name, value in filters.items():
        if not isinstance(name, str) or not name or any(c in name for c in "[]"):
            raise ConfigurationError(
                f"filter attribute names must be non-empty strings without '[' or ']', got {name!r}"
            )
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str | int | float):
            text = str(value)
        else:  # the value may be personal: name its type, not the value
            raise ConfigurationError(
                f"filter {name!r} must be a string, number or boolean, got {type(value).__name__}"
            )
        pairs.append((f"filter[{name}]", text))
    return pairs


def indexes(*, limit: int | None, with_total: bool) -> PageSource[Index]:
    from amperity_api.api.indexes import list_indexes
    from amperity_api.models.list_indexes_response import ListIndexesResponse

    return _listing(
        "list-indexes",
        list_indexes,
        ListIndexesResponse,
        limit=limit,
        with_total=with_total,
        family=PROFILE,
    )


def get_index(index_id: str) -> Call[Index]:
    from amperity_api.api.indexes import get_index as module
    from amperity_api.models.index import Index

    kwargs = module.build_request(check_id(index_id, "index_id"))
    return Call("get-index", kwargs, _parser(module, Index), family=PROFILE)


@functools.cache
def _envelope() -> Callable[[httpx.Response], Page[Any]]:
    from amperity_api.api.profiles import list_profiles
    from amperity_api.models.list_profiles_response import ListProfilesResponse

    return _page_parser(list_profiles, ListProfilesResponse)


def _profile_page(response: httpx.Response) -> Page[ProfileResponse]:
    """A page of profiles: the envelope as declared, each item as a `ProfileResponse`."""
    from amperity_api.models.profile_response import ProfileResponse

    page = _envelope()(response)
    shape = shape_of(ProfileResponse)
    items = []
    for index, item in enumerate(page.items):
        try:
            if not isinstance(item, dict):
                raise Invalid("expected an object", f"[{index}]", "data")
            shape.check(item)
        except Invalid as exc:
            raise _refusal(response, str(exc)) from None
        items.append(ProfileResponse.from_dict(item))
    return Page(items, page.next_token, page.total, raw=page.raw)


def profiles(
    index_id: str, *, filters: Mapping[str, FilterValue] | None, limit: int | None
) -> PageSource[ProfileResponse]:
    from amperity_api.api.profiles import list_profiles
    from amperity_api.models.list_profiles_response import ListProfilesResponse

    return _listing(
        "list-profiles",
        list_profiles,
        ListProfilesResponse,
        limit=limit,
        with_total=None,
        family=PROFILE,
        parse=_profile_page,
        extra_params=_filter_pairs(filters),
        args=(check_id(index_id, "index_id"),),
    )


def get_profile(index_id: str, profile_id: str) -> Call[ProfileResponse]:
    from amperity_api.api.profiles import get_profile as module
    from amperity_api.models.profile_response import ProfileResponse

    kwargs = module.build_request(
        check_id(index_id, "index_id"), check_id(profile_id, "profile_id")
    )
    return Call("get-profile", kwargs, _parser(module, ProfileResponse), family=PROFILE)
