# Django's Arabic formats give a thousand separator but no grouping; its decimal separator stays.
NUMBER_GROUPING = 3
