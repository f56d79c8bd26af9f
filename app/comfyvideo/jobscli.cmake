# The queue and jobs commands (issue #5): target_sources(cv_cli PRIVATE ...).
