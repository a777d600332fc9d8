"""Filters declared once for a list: its page form, its API query and a JSON form come from them.

A `FilterSet` holds the filters and sorts a list offers, in order. Each `Filter` knows its name,
its label, how to read a value (refusing a bad one with a sentence in the user's language), how
to narrow a queryset with it, and its choices where it has them. From the set come:

- `FilterForm`, the list page's form (one field per filter, then the order);
- `query_schema()`, the API's query parameters, each documented with its type; their values are
  read by the same `parse` as the page's, so that the two cannot drift apart;
- `Selection.to_json()` and `FilterSet.from_json()`, a plain dict to store and read back.

An app adds its filters to another app's set in its AppConfig.ready(), so that the owner of the
list never imports them (patron.scoring adds segment, churn and value to the customer list).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import Field, WithJsonSchema, create_model

from patron.api_schemas import ListQuery
from patron.pagination import keyset_page, ranked_page
from patron.web.widgets import QuickSelect

# Names every list gives a meaning of its own: no filter may take them.
RESERVED = {"sort", "cursor", "limit"}
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def choose_one_of(keys):
    return ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, keys))})


class Filter:
    """One filter of a list. Subclasses say how a value is read (`parse`), drawn (`form_field`)
    and documented (`schema`); `apply(queryset, value)` narrows a queryset by a parsed value.

    `lookup` is the shorthand for apply: queryset.filter(**{lookup: value}). `description` is
    the API document's (English, like the rest of it); the label stands in when there is none.
    """

    json_type = str

    def __init__(self, name, label, *, apply=None, lookup=None, description="", schema=None):
        if (apply is None) == (lookup is None):
            raise ImproperlyConfigured(f"Filter {name}: give either apply or lookup.")
        self.name, self.label, self.description, self._schema = name, label, description, schema
        self._apply = apply or (lambda queryset, value: queryset.filter(**{lookup: value}))

    def parse(self, text):
        """The value `text` stands for (None: no filter), or ValidationError in one sentence."""
        raise NotImplementedError

    def apply(self, queryset, value):
        return self._apply(queryset, value)

    def to_json(self, value):
        return self.json_type(str(value))

    def from_json(self, value):
        if self.json_type is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError(_("Give this value as a whole number."))
        elif not isinstance(value, str):
            raise ValidationError(_("Give this value as text."))
        return self.parse(str(value))

    def schema(self):
        """The JSON Schema of the query parameter."""
        return self._schema or {"type": "string"}

    def form_field(self):
        raise NotImplementedError


class SearchFilter(Filter):
    """Free text of at most `max_length` characters; the value is the text stripped."""

    def __init__(self, name, label, *, placeholder, max_length=200, **kwargs):
        super().__init__(name, label, **kwargs)
        self.placeholder, self.max_length = placeholder, max_length

    def parse(self, text):
        if len(text) > self.max_length:
            raise ValidationError(_("Give at most %(count)d characters.") % {"count": self.max_length})
        return text.strip() or None

    def schema(self):
        return self._schema or {"type": "string", "maxLength": self.max_length}

    def form_field(self):
        attrs = {"placeholder": self.placeholder, "autofocus": True}
        return _TextField(self, max_length=self.max_length, widget=forms.SearchInput(attrs=attrs))


class ChoiceFilter(Filter):
    """One of a list of (value, label) choices, drawn as a select.

    `choices` may be a callable, called when the form is drawn (tags; countries in the reader's
    language); then give `parse` too, which reads a value without listing them all (a tag is
    looked up by its name). With `json_type=int` the values are whole numbers.
    """

    def __init__(self, name, label, *, choices, empty_label, parse=None, json_type=str, **kwargs):
        super().__init__(name, label, **kwargs)
        self.choices, self.empty_label, self._parse, self.json_type = choices, empty_label, parse, json_type

    def _listed(self):
        return self.choices() if callable(self.choices) else list(self.choices)

    def parse(self, text):
        if self._parse is not None:
            return self._parse(text)
        keys = [str(key) for key, _label in self._listed()]
        if text not in keys:
            raise choose_one_of(keys)
        return self.json_type(text)

    def schema(self):
        if self._schema or callable(self.choices):
            return self._schema or {"type": "string"}
        keys = [key for key, _label in self.choices]
        if self.json_type is int:
            return {"type": "integer", "minimum": min(keys), "maximum": max(keys)}
        return {"type": "string", "enum": [str(key) for key in keys]}

    def form_field(self):
        return _ChoiceField(
            self, choices=lambda: [("", self.empty_label), *self._listed()], widget=QuickSelect
        )


class DecimalFilter(Filter):
    """A number of at least `minimum` that a DecimalField of `max_digits` and `decimal_places`
    holds; read exactly from its digits, never through a float."""

    def __init__(self, name, label, *, minimum=0, max_digits=18, decimal_places=4, **kwargs):
        super().__init__(name, label, **kwargs)
        self.minimum, self.whole, self.places = Decimal(minimum), max_digits - decimal_places, decimal_places

    def parse(self, text):
        if not _DECIMAL.fullmatch(text) or Decimal(text) < self.minimum:
            raise ValidationError(
                _("Give a number of at least %(minimum)s, such as 1500 or 1500.50.")
                % {"minimum": self.minimum}
            )
        whole, _point, places = text.partition(".")
        if len(whole.lstrip("0")) > self.whole or len(places.rstrip("0")) > self.places:
            raise ValidationError(
                _("Give at most %(whole)d digits before the point and %(places)d after it.")
                % {"whole": self.whole, "places": self.places}
            )
        return Decimal(text)

    def schema(self):
        return self._schema or {"type": "string", "format": "decimal", "pattern": f"^{_DECIMAL.pattern}$"}

    def form_field(self):
        attrs = {"min": str(self.minimum), "step": "any", "placeholder": self.label}
        return _TextField(self, widget=forms.NumberInput(attrs=attrs))


@dataclass(frozen=True)
class Sort:
    """An order of the list: by `field` descending, then newest first; rows where it is null
    are left out. `field` is a number (the cursor carries its value, see ranked_page)."""

    name: str
    label: str
    field: str


class _ParsedByFilter:
    """A form field whose value is read by its filter's parse, and by nothing else."""

    def __init__(self, filter_, **kwargs):
        self.filter = filter_
        super().__init__(label=filter_.label, required=False, **kwargs)

    def clean(self, value):
        if value in self.empty_values:
            return None
        return self.filter.parse(value)


class _TextField(_ParsedByFilter, forms.CharField):
    pass


class _ChoiceField(_ParsedByFilter, forms.ChoiceField):
    pass


@dataclass(frozen=True)
class Selection:
    """The values of the filters given (read by their parse), and the order chosen or None."""

    filter_set: "FilterSet"
    values: dict = field(default_factory=dict)
    sort: Sort | None = None

    def apply(self, queryset):
        for name, value in self.values.items():
            queryset = self.filter_set.filters[name].apply(queryset, value)
        return queryset

    def page(self, queryset, *, cursor=None, limit=50):
        """One page of `queryset` in the order chosen, else newest first."""
        if self.sort:
            return ranked_page(queryset, field=self.sort.field, cursor=cursor, limit=limit)
        return keyset_page(queryset, cursor=cursor, limit=limit)

    def to_json(self):
        """A plain dict of what was given, as JSON holds it: {"churn": "high", "decile": 1}."""
        out = {name: self.filter_set.filters[name].to_json(value) for name, value in self.values.items()}
        if self.sort:
            out["sort"] = self.sort.name
        return out


class FilterSet:
    """The filters and sorts of one list, in the order its page shows them."""

    def __init__(self, *, filters=(), sorts=(), default_order=None):
        self.filters, self.sorts, self.default_order = {}, {}, default_order
        self.add(*filters)
        self.add_sort(*sorts)

    def add(self, *filters):
        for filter_ in filters:
            if filter_.name in self.filters or filter_.name in RESERVED:
                raise ImproperlyConfigured(f"This list already has a parameter {filter_.name}.")
            self.filters[filter_.name] = filter_

    def add_sort(self, *sorts):
        for sort in sorts:
            if not sort.name or sort.name in self.sorts:
                raise ImproperlyConfigured(f"This list already has an order {sort.name!r}.")
            self.sorts[sort.name] = sort

    def _read(self, values, read, *, blank="none"):
        """The Selection of `values` (name -> value), each read by read(filter, value). None is
        no value; so is "" unless `blank` is "refuse" (then only a search may be empty). Every
        bad value and unknown name is refused, all at once."""
        chosen, sort, errors = {}, None, {}
        for name, value in values.items():
            if value is None or (value == "" and (blank == "none" or name in self._searches())):
                continue
            try:
                if value == "":
                    raise ValidationError(_("Give a value, or leave %(name)s out.") % {"name": name})
                if name == "sort" and self.sorts:
                    if not isinstance(value, str) or value not in self.sorts:
                        raise choose_one_of(self.sorts)
                    sort = self.sorts[value]
                elif name in self.filters:
                    parsed = read(self.filters[name], value)
                    if parsed is not None:
                        chosen[name] = parsed
                else:
                    raise ValidationError(_("This list has no parameter %(name)s.") % {"name": name})
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return Selection(self, {name: chosen[name] for name in self.filters if name in chosen}, sort)

    def _searches(self):
        return {name for name, filter_ in self.filters.items() if isinstance(filter_, SearchFilter)}

    def parse(self, values):
        """The Selection of query or form values, {"churn": "high", "min_clv": "500"}; a Python
        value (a Decimal, a number) is read as its text."""
        return self._read(values, lambda filter_, value: filter_.parse(str(value)))

    def parse_query(self, query):
        """The Selection of an API query's values (None: not given). An empty value is refused,
        as its documented type does not admit it, except for a search (an empty one)."""
        return self._read(query, lambda filter_, value: filter_.parse(value), blank="refuse")

    def from_json(self, data):
        """The Selection a to_json() dict stands for. A name no filter has, a value of the wrong
        JSON type and a bad value are refused with ValidationError naming them, never dropped."""
        if not isinstance(data, dict):
            raise ValidationError(_("Send a JSON object."))
        return self._read(data, lambda filter_, value: filter_.from_json(value), blank="refuse")

    def query_schema(self, name):
        """The list's API query: cursor and limit, then each filter and `sort`, optional and
        documented with its type (in English, like the rest of the document, whatever language
        is active when the API is first loaded). Values arrive as text, for parse_query()."""
        with translation.override("en"):
            fields = {
                filter_.name: _parameter(filter_.schema(), filter_.description or str(filter_.label))
                for filter_ in self.filters.values()
            }
            if self.sorts:
                orders = "; ".join(f"{sort.name}: {sort.label}" for sort in self.sorts.values())
                fields["sort"] = _parameter({"type": "string", "enum": list(self.sorts)}, f"{orders}.")
        return create_model(name, __base__=ListQuery, **fields)


def _parameter(schema, description):
    return Annotated[str | None, WithJsonSchema(schema)], Field(None, description=description)


class FilterForm(forms.Form):
    """The page form of `filter_set`: a field per filter, the order, and the cursor."""

    filter_set = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filter_set.filters.values():
            self.fields[filter_.name] = filter_.form_field()
        if self.filter_set.sorts:
            orders = [("", self.filter_set.default_order)]
            orders += [(sort.name, sort.label) for sort in self.filter_set.sorts.values()]
            self.fields["sort"] = forms.ChoiceField(
                label=gettext_lazy("Sort by"), required=False, choices=orders, widget=QuickSelect
            )
        self.fields["cursor"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def selection(self):
        """The Selection of a valid form."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.filter_set.filters if data.get(name) is not None}
        return Selection(self.filter_set, values, self.filter_set.sorts.get(data.get("sort") or ""))
