-- Reverts 0001_sales_schema: drops the views, then the tables, children before parents.

DROP VIEW sales;
DROP VIEW calendar;

DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE customers;
DROP TABLE products;
DROP TABLE product_categories;
DROP TABLE sales_reps;
DROP TABLE stores;
DROP TABLE regions;
