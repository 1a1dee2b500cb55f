"""Pages of the targets app: targets.py (my targets, the team dashboard, breakdown trees) and
appraisals.py (考核 and improvement actions). Each urls module imports the one it serves."""
