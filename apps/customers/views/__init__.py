"""Pages of the customers app: customers.py (customers, contacts, the timeline) and tasks.py (任务:
my tasks, the team's tasks, a task's page and its buttons). Each urls module imports the one it serves."""
