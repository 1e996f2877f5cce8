"""Number formats where Django's own leave large figures ungrouped (FORMAT_MODULE_PATH): an amount
of 198889439 USD must read 198,889,439 in Chinese and 198.889.439 in Arabic as it does in the other
languages. Only the grouping is set here; every other format stays Django's."""
