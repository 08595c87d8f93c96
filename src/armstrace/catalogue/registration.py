"""The catalogue's models, registered with core for pages, API, import and export."""


from armstrace.core.models import Role
from armstrace.core.registration import Lookup, Registration, register

from .calibres import calibre_key
from .models import Calibre, Manufacturer, ManufacturerAlias, WeaponModel

CURATORS = frozenset({Role.ADMINISTRATOR})
COUNTRY = Lookup(("iso3", "iso2", "name_en"))

register(Registration(
    Manufacturer, "manufacturers", fields=["name", "country", "notes", "source"],
    list_columns=["name", "country", "source"], filter_fields=["country"], search_fields=["name", "aliases__name"],
    write_roles=CURATORS, menu="catalogue", children=[("aliases", "manufacturer-aliases"), ("models", "models")],
    lookups={"country": COUNTRY}, default_ordering="name",
))
register(Registration(
    ManufacturerAlias, "manufacturer-aliases", fields=["manufacturer", "name", "kind", "script"],
    list_columns=["name", "manufacturer", "kind", "script"], filter_fields=["kind", "script"],
    search_fields=["name"], write_roles=CURATORS, parent_field="manufacturer",
    lookups={"manufacturer": Lookup(("name",))}, default_ordering="name",
))
register(Registration(
    Calibre, "calibres", fields=["name", "aliases", "source"], list_columns=["name", "aliases", "source"],
    search_fields=["name", "aliases", "key"], write_roles=CURATORS, menu="catalogue", default_ordering="name",
))
register(Registration(
    WeaponModel, "models", fields=["name", "manufacturer", "weapon_type", "un_category", "calibre", "aliases",
                                   "source"],
    list_columns=["name", "manufacturer", "weapon_type", "un_category", "calibre"],
    filter_fields=["weapon_type", "un_category", "manufacturer"], search_fields=["name", "aliases"],
    write_roles=CURATORS, menu="catalogue", parent_field="manufacturer",
    lookups={"manufacturer": Lookup(("name",)), "calibre": Lookup(("key",), normalise=calibre_key)},
    default_ordering="name",
))


