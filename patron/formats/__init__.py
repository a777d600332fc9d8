"""Django's number formats where its own locale data lacks them (FORMAT_MODULE_PATH): Django has
no Filipino formats, and no grouping of thousands for Vietnamese. Each module names only what
it adds; Django's own module gives the rest. Values from CLDR, as Babel has them."""
