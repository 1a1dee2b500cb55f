"""Pages of the visits app, one module per page area: plans (the rep's "Today" and the manager's
approval queue, under /visits/) and reports (daily and market reports, under /reports/), with the
parameter reading both share in parsing. Only the url modules import the page modules."""
