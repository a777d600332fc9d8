"""The web kit's tags: {% panel shown %} draws a registered panel (patron.web.panels), and
{% main_menu as items %} gives the menu entries the user may see (patron.web.navigation)."""

from django import template

from patron.web import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context, shown):
    """The panel's template, drawn with its own context on top of the page's (as include does)."""
    drawn = context.template.engine.get_template(shown.panel.template)
    with context.push(shown.context):
        return drawn.render(context)


@register.simple_tag(takes_context=True)
def main_menu(context):
    return navigation.menu(context["request"])


@register.inclusion_tag("web/_pager.html", takes_context=True)
def pager(context, page, first=None, first_label="", next_label="", drop=""):
    """Every list's pager: links to the pages beside ``page`` (its ``next`` and ``previous``
    cursors, as patron.pagination.Page has them; one without ``previous`` is paged forward only),
    keeping the list's other query parameters but those named in ``drop`` (comma-separated). A
    list paged forward only names the URL of its ``first`` page, linked from any later page."""
    query = context["request"].GET.copy()
    for name in ["cursor", *filter(None, drop.split(","))]:
        query.pop(name, None)

    def link(cursor):
        if not cursor:
            return None
        query["cursor"] = cursor
        return query.urlencode()

    return {
        "previous_query": link(getattr(page, "previous", None)),
        "next_query": link(page.next),
        "first": first if context["request"].GET.get("cursor") else None,
        "first_label": first_label,
        "next_label": next_label,
    }
