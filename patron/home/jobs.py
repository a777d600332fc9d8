"""The home page's figures computed afresh in the background, when they take too long for a request."""

from patron.home import figures
from patron.jobs.queue import job
from patron.workspace.services import get_workspace


@job(retries=0)
def home_figures_refresh(section):
    """Compute the home page's ``section`` for the data as it is now (see figures.section).

    It reads sums any staff member's page may show and writes only the kept figures, so it acts
    for nobody and takes no requester. Not retried: the next view queues it again if need be.
    """
    workspace = get_workspace()
    figures.compute(section, workspace, figures.freshness(workspace))
