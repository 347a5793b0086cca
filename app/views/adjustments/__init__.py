"""缴存基数调整's page and its difference review."""
