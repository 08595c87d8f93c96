"""The reference catalogue (the role the INTERPOL Firearms Reference Table plays)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from armstrace.core.models import Country, ReferenceModel

from .calibres import calibre_key


class WeaponType(models.TextChoices):
    """Small arms and light weapons subtypes (UN Register SALW form) and MANPADS."""

    PISTOL = "pistol", _("Revolver or self-loading pistol")
    RIFLE = "rifle", _("Rifle or carbine")
    ASSAULT_RIFLE = "assault_rifle", _("Assault rifle")
    SUBMACHINE_GUN = "smg", _("Sub-machine gun")
    LIGHT_MACHINE_GUN = "lmg", _("Light machine gun")
    SHOTGUN = "shotgun", _("Shotgun")
    HEAVY_MACHINE_GUN = "hmg", _("Heavy machine gun")
    GRENADE_LAUNCHER = "grenade_launcher", _("Grenade launcher")
    RECOILLESS = "recoilless", _("Portable anti-tank gun or recoilless rifle")
    ROCKET_LAUNCHER = "rocket_launcher", _("Portable rocket launcher")
    ATGM = "atgm", _("Portable anti-tank missile launcher")
    MORTAR = "mortar", _("Mortar of calibre less than 75 mm")
    MANPADS = "manpads", _("Man-portable air defence system (MANPADS)")
    OTHER = "other", _("Other")


class UNCategory(models.TextChoices):
    SMALL_ARMS = "salw_small", _("Small arms")
    LIGHT_WEAPONS = "salw_light", _("Light weapons")
    CAT_VII = "VII", _("VII Missiles and missile launchers (incl. MANPADS)")


class Manufacturer(ReferenceModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")

    def __str__(self) -> str:
        return self.name


class ManufacturerAlias(ReferenceModel):
    """Another name a manufacturer is known or marked by, in any script, or a factory code."""

    class Kind(models.TextChoices):
        NAME = "name", _("Name or former name")
        FACTORY_CODE = "factory_code", _("Factory code")

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NAME)
    script = models.CharField(_("script"), max_length=20, blank=True, help_text=_("e.g. Latin, Cyrillic, Arabic"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("manufacturer alias")
        verbose_name_plural = _("manufacturer aliases")
        constraints = [models.UniqueConstraint(fields=["manufacturer", "name"], name="unique_alias")]

    def __str__(self) -> str:
        return self.name


class Calibre(ReferenceModel):
    name = models.CharField(_("designation"), max_length=60, unique=True)
    key = models.CharField(_("comparison key"), max_length=60, unique=True, editable=False)
    aliases = models.CharField(_("other designations"), max_length=300, blank=True,
                               help_text=_("Separated by ';'"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("calibre")
        verbose_name_plural = _("calibres")

    def prepare(self) -> None:
        super().prepare()
        self.key = calibre_key(self.name)

    def __str__(self) -> str:
        return self.name


class WeaponModel(ReferenceModel):
    name = models.CharField(_("model"), max_length=120)
    manufacturer = models.ForeignKey(Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="models",
                                     help_text=_("Empty for a design made by many manufacturers"))
    weapon_type = models.CharField(_("weapon type"), max_length=20, choices=WeaponType.choices)
    un_category = models.CharField(_("UN register category"), max_length=12, choices=UNCategory.choices)
    calibre = models.ForeignKey(Calibre, verbose_name=_("calibre"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    aliases = models.CharField(_("other designations"), max_length=300, blank=True,
                               help_text=_("Separated by ';'"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("weapon model")
        verbose_name_plural = _("weapon models")
        constraints = [models.UniqueConstraint(fields=["manufacturer", "name"], name="unique_model_per_maker")]

    def __str__(self) -> str:
        return self.name
