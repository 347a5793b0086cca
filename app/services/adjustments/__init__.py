"""缴存比例调整 and 缴存基数调整: the ratios in force, export, import, the difference review."""
