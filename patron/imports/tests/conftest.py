import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Uploads go to the data directory: a temporary one, not the developer's var/."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def signed_in(client, staff, thai_shop):
    def sign_in(name):
        client.force_login(staff(name))
        return client

    return sign_in
