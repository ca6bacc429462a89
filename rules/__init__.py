"""Built-in rules, one module per rule, installed as ``analyzer.rules``."""
