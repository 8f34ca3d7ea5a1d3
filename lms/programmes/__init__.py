"""Subsidised training programmes: training vouchers, class-opening applications, subsidy
claims and the HR office's person-time statistics. It stands above courses and credits."""
