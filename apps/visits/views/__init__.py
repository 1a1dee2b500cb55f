"""Pages of the visits app, one module per page area: plans (the rep's "Today" and the manager's
approval queue, under /visits/) and reports (daily and market reports, under /reports/). Only the
url modules import them."""
