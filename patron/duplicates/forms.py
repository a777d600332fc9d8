from django import forms
from django.utils.translation import gettext_lazy as _

from patron.customers.models import Gender
from patron.web.templatetags.patron import country_name, day, language_name

SIDES = [("left", _("Left")), ("right", _("Right"))]
SHOWN = {
    "birthday": day,
    "country": country_name,
    "locale": language_name,
    "gender": lambda value: Gender(value).label if value else "—",
}


def shown(name, value):
    """A field's value as the review page shows it (attributes, "attributes.<key>", as they are)."""
    if name in SHOWN:
        return SHOWN[name](value)
    return "—" if value in (None, "") else value


def _empty(value):
    return value in (None, "", {}, [])


class MergeForm(forms.Form):
    """Which of the two survives, and for each field where they differ, whose value it keeps
    (by default the survivor's, unless it is empty; a field not sent is left to that default).

    Sides are "left" and "right" as on the page; `choices()` turns them into the service's
    "survivor" and "merged".
    """

    survivor = forms.ChoiceField(label=_("Keep this record"), choices=SIDES, widget=forms.RadioSelect)

    def __init__(self, data=None, *, fields, default_survivor):
        """`fields`: (choice key, label, left value, right value) as compared_fields gives them."""
        super().__init__(data, initial={"survivor": default_survivor})
        self.rows = []
        other = "right" if default_survivor == "left" else "left"
        for index, (key, label, left_value, right_value) in enumerate(fields):
            bound = None
            if left_value != right_value:
                kept = left_value if default_survivor == "left" else right_value
                element_id = f"choice-attribute-{index}" if key.startswith("attributes.") else f"choice-{key}"
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    choices=SIDES,
                    required=False,
                    widget=forms.RadioSelect(attrs={"id": element_id}),
                    initial=other if _empty(kept) else default_survivor,
                )
                bound = self[key]
            self.rows.append((label, shown(key, left_value), shown(key, right_value), bound))

    def choices(self):
        """{field: "survivor" | "merged"} from the sides picked."""
        survivor = self.cleaned_data["survivor"]
        return {
            key: "survivor" if side == survivor else "merged"
            for key, side in self.cleaned_data.items()
            if key != "survivor" and side
        }
