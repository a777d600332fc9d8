"""Where organisations keep people's data (see patron/customers/registry.py)."""

from patron.customers.registry import Traces, register_traces
from patron.organisations.models import Organisation, OrganisationContact

# A contact at an organisation is a person, though not a customer; notes can name people.
register_traces(Traces(Organisation, ("notes",)))
register_traces(Traces(OrganisationContact, ("name", "email", "phone")))
