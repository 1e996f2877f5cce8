# Django's Chinese formats group by four with an empty separator, i.e. not at all; CLDR's zh groups
# by three with a comma.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
