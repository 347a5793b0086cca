"""Qt-free value types and rules: IDs, names, mobiles, money, ratios, months, rounding."""
