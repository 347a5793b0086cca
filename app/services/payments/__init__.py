"""缴存业务: 汇缴核定 figures, 补缴 amounts and the printable 核定单 (issue 10)."""
