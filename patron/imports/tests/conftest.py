import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Uploads go to the data directory: a temporary one, not the developer's var/."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def signed_in(client, staff, thai_shop, transactional_db):
    """A member of staff signed in, on a database that commits: the web page's jobs are queued
    once its request commits (patron.jobs.queue.queue_after_commit), as on a server."""

    def sign_in(name):
        client.force_login(staff(name))
        return client

    return sign_in


@pytest.fixture
def known_pos_customers(somchai):
    from patron.customers.services import CustomerData, customer_create

    customer_create(data=CustomerData(display_name="Somsri", external_ids=[("pos", "C1")]), by=somchai)
