"""缴存业务 pages: 汇缴核定 (a custom page, not a 清册) and the 核定单's print preview."""
