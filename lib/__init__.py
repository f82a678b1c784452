"""What several apps use and that knows no app: rate limits, bulk inserts, the client's
address, the audited admin, text folding and spreadsheets.

Nothing here imports an app (campaign, teams, sessions, notifications, cms): the
import-linter contract in pyproject.toml holds that.
"""
