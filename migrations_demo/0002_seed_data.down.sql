-- Reverts 0002_seed_data: removes every seeded row and resets the identity sequences.

TRUNCATE order_items, orders, customers, products, product_categories, sales_reps, stores, regions
    RESTART IDENTITY;
