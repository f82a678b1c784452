"""The organisers' dashboard, above the help sessions: each commune's progress against
its targets (figures.py), drawn as charts (charts.py) on its pages (views.py)."""
