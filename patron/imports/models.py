from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceMapping(models.Model):
    """The column mapping last used for one source and kind, offered again next time.

    ``mapping`` is {column name: field}; an empty field means the column was kept as a
    custom attribute on purpose (``--map "column="``).
    """

    source = models.CharField(_("source"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20)
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("source mapping")
        verbose_name_plural = _("source mappings")
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="source_mapping_once")]

    def __str__(self):
        return f"{self.source} ({self.kind})"
