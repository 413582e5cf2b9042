-- Deterministic demo data: 5 regions, 10 stores, 15 sales reps, 8 categories, 60 products,
-- 600 customers, 6,000 orders from 2023-01-01 to 2024-12-31 and their order lines.
--
-- There is no random() here: every "random" choice reads a byte of md5('<kind>:<n>'), so the
-- same install always holds the same rows and the same question always has the same answer.
-- `u16(h, k)` below stands for get_byte(h, k) * 256 + get_byte(h, k + 1), a value in 0..65535.
-- Nothing depends on the current date, the time zone or the server version.

INSERT INTO regions (id, name, country) VALUES
    (1, 'Northeast', 'United States'),
    (2, 'Southeast', 'United States'),
    (3, 'Midwest', 'United States'),
    (4, 'Southwest', 'United States'),
    (5, 'West', 'United States');

INSERT INTO stores (id, region_id, name, city, opened_on) VALUES
    (1, 1, 'Boston Downtown', 'Boston', '2015-03-14'),
    (2, 1, 'New York Midtown', 'New York', '2012-09-01'),
    (3, 2, 'Atlanta Peachtree', 'Atlanta', '2016-05-20'),
    (4, 2, 'Miami Brickell', 'Miami', '2019-11-02'),
    (5, 3, 'Chicago Loop', 'Chicago', '2011-04-18'),
    (6, 3, 'Minneapolis Uptown', 'Minneapolis', '2018-08-25'),
    (7, 4, 'Phoenix Central', 'Phoenix', '2017-02-11'),
    (8, 4, 'Austin South Congress', 'Austin', '2020-06-06'),
    (9, 5, 'Seattle Pike', 'Seattle', '2014-10-10'),
    (10, 5, 'San Francisco Market', 'San Francisco', '2013-07-07');

INSERT INTO sales_reps (id, region_id, full_name, email, hired_on) VALUES
    (1, 1, 'Grace Whitman', 'grace.whitman@demo-sales.example', '2016-02-01'),
    (2, 1, 'Owen Castillo', 'owen.castillo@demo-sales.example', '2019-06-17'),
    (3, 1, 'Priya Raman', 'priya.raman@demo-sales.example', '2021-09-13'),
    (4, 2, 'Marcus Bell', 'marcus.bell@demo-sales.example', '2017-03-06'),
    (5, 2, 'Sofia Alvarez', 'sofia.alvarez@demo-sales.example', '2020-01-20'),
    (6, 2, 'Ethan Brooks', 'ethan.brooks@demo-sales.example', '2022-04-04'),
    (7, 3, 'Hannah Novak', 'hannah.novak@demo-sales.example', '2015-11-30'),
    (8, 3, 'Liam O''Connor', 'liam.oconnor@demo-sales.example', '2018-05-14'),
    (9, 3, 'Aisha Khan', 'aisha.khan@demo-sales.example', '2021-02-22'),
    (10, 4, 'Diego Herrera', 'diego.herrera@demo-sales.example', '2016-07-11'),
    (11, 4, 'Chloe Martin', 'chloe.martin@demo-sales.example', '2019-10-28'),
    (12, 4, 'Noah Wilson', 'noah.wilson@demo-sales.example', '2022-08-15'),
    (13, 5, 'Mei Chen', 'mei.chen@demo-sales.example', '2014-04-07'),
    (14, 5, 'Lucas Silva', 'lucas.silva@demo-sales.example', '2018-12-03'),
    (15, 5, 'Emma Larsen', 'emma.larsen@demo-sales.example', '2020-09-21');

INSERT INTO product_categories (id, name, description) VALUES
    (1, 'Laptops', 'Notebook computers'),
    (2, 'Monitors', 'Desktop displays'),
    (3, 'Phones', 'Smartphones'),
    (4, 'Tablets', 'Tablet computers'),
    (5, 'Headphones', 'Headphones and earbuds'),
    (6, 'Keyboards', 'Keyboards'),
    (7, 'Mice', 'Mice and trackpads'),
    (8, 'Accessories', 'Cables, chargers, cases and bags');

-- 60 products: product g is in category ((g - 1) % 8) + 1 and series (g - 1) / 8, so
-- (category, series) and therefore the name is unique. Prices end in .99.
INSERT INTO products (id, sku, name, category_id, brand, list_price, unit_cost, is_active)
SELECT
    p.g,
    'SKU-' || lpad(p.g::text, 4, '0'),
    p.brand || ' ' || p.noun || ' ' || p.series,
    p.category_id,
    p.brand,
    p.list_price,
    round(p.list_price * (55 + get_byte(p.h, 4) % 25) / 100, 2),
    p.g % 20 <> 0
FROM (
    SELECT
        s.g,
        s.h,
        (s.g - 1) % 8 + 1 AS category_id,
        (ARRAY['Laptop', 'Monitor', 'Phone', 'Tablet', 'Headphones', 'Keyboard', 'Mouse', 'Charger'])[(s.g - 1) % 8 + 1] AS noun,
        (ARRAY['One', 'Pro', 'Air', 'Max', 'Lite', 'Plus', 'Ultra', 'Neo'])[(s.g - 1) / 8 + 1] AS series,
        (ARRAY['Apex', 'Nimbus', 'Vertex', 'Orion', 'Zephyr', 'Quanta'])[get_byte(s.h, 0) % 6 + 1] AS brand,
        round(
            (ARRAY[900, 250, 700, 450, 120, 70, 35, 25])[(s.g - 1) % 8 + 1]
                * (600 + (get_byte(s.h, 1) * 256 + get_byte(s.h, 2)) % 1200)::numeric / 1000,
            0
        ) - 0.01 AS list_price
    FROM (
        SELECT g, decode(md5('product:' || g), 'hex') AS h
        FROM generate_series(1, 60) AS g
    ) AS s
) AS p;

-- 600 customers. Their region decides the city; everyone signed up before 2023.
INSERT INTO customers (id, first_name, last_name, email, segment, region_id, city, signup_date)
SELECT
    c.g,
    c.first_name,
    c.last_name,
    lower(c.first_name || '.' || c.last_name || '.' || c.g) || '@example.com',
    CASE
        WHEN get_byte(c.h, 0) % 10 < 6 THEN 'consumer'
        WHEN get_byte(c.h, 0) % 10 < 9 THEN 'small_business'
        ELSE 'corporate'
    END,
    c.region_id,
    (ARRAY[
        'Boston', 'New York', 'Philadelphia',
        'Atlanta', 'Miami', 'Charlotte',
        'Chicago', 'Minneapolis', 'Detroit',
        'Phoenix', 'Austin', 'Denver',
        'Seattle', 'San Francisco', 'Los Angeles'
    ])[(c.region_id - 1) * 3 + get_byte(c.h, 2) % 3 + 1],
    '2021-01-01'::date + (get_byte(c.h, 3) * 256 + get_byte(c.h, 4)) % 730
FROM (
    SELECT
        s.g,
        s.h,
        (ARRAY[
            'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda',
            'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica',
            'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy',
            'Anthony', 'Betty', 'Mark', 'Sandra', 'Kevin', 'Ashley'
        ])[get_byte(s.h, 5) % 30 + 1] AS first_name,
        (ARRAY[
            'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis',
            'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson',
            'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
            'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson'
        ])[get_byte(s.h, 6) % 30 + 1] AS last_name,
        get_byte(s.h, 1) % 5 + 1 AS region_id
    FROM (
        SELECT g, decode(md5('customer:' || g), 'hex') AS h
        FROM generate_series(1, 600) AS g
    ) AS s
) AS c;

-- 6,000 orders. The date is, for half of the orders, a uniform draw over the 731 days and, for
-- the other half, the later of two such draws, so business grows over the two years (about
-- three times as many orders per day at the end as at the start); the customer is the smaller of two draws, so low-numbered
-- customers are the loyal ones. Order ids follow the order date.
INSERT INTO orders (id, order_number, customer_id, order_date, channel, store_id, sales_rep_id, status, shipped_date)
SELECT
    o.id,
    'SO-' || to_char(o.order_date, 'YYYY') || '-' || lpad(o.id::text, 5, '0'),
    o.customer_id,
    o.order_date,
    o.channel,
    CASE WHEN o.channel = 'store' THEN (cu.region_id - 1) * 2 + get_byte(o.h, 9) % 2 + 1 END,
    CASE WHEN o.channel <> 'online' THEN (cu.region_id - 1) * 3 + get_byte(o.h, 10) % 3 + 1 END,
    o.status,
    CASE
        WHEN o.status = 'cancelled' THEN NULL
        WHEN o.channel = 'store' THEN o.order_date
        ELSE o.order_date + 1 + get_byte(o.h, 12) % 5
    END
FROM (
    SELECT
        row_number() OVER (ORDER BY d.order_date, d.g) AS id,
        d.*
    FROM (
        SELECT
            s.g,
            s.h,
            1 + least(get_byte(s.h, 0) * 256 + get_byte(s.h, 1), get_byte(s.h, 2) * 256 + get_byte(s.h, 3)) * 600 / 65536
                AS customer_id,
            '2023-01-01'::date
                + CASE
                    WHEN get_byte(s.h, 13) % 2 = 0 THEN get_byte(s.h, 4) * 256 + get_byte(s.h, 5)
                    ELSE greatest(get_byte(s.h, 4) * 256 + get_byte(s.h, 5), get_byte(s.h, 6) * 256 + get_byte(s.h, 7))
                END * 731 / 65536
                AS order_date,
            CASE
                WHEN get_byte(s.h, 8) % 20 < 11 THEN 'online'
                WHEN get_byte(s.h, 8) % 20 < 18 THEN 'store'
                ELSE 'phone'
            END AS channel,
            CASE
                WHEN get_byte(s.h, 11) % 100 < 4 THEN 'cancelled'
                WHEN get_byte(s.h, 11) % 100 < 9 THEN 'returned'
                ELSE 'completed'
            END AS status
        FROM (
            SELECT g, decode(md5('order:' || g), 'hex') AS h
            FROM generate_series(1, 6000) AS g
        ) AS s
    ) AS d
) AS o
JOIN customers AS cu ON cu.id = o.customer_id;

-- 1 to 4 lines per order with distinct products (offsets 0, 17, 34, 51 modulo 60); popular
-- products are the low-numbered ones. 2023 orders were priced 5% under today's list price.
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, discount)
WITH o AS MATERIALIZED (
    SELECT id, order_date, decode(md5('lines:' || id), 'hex') AS h
    FROM orders
),
l AS MATERIALIZED (
    SELECT
        o.id AS order_id,
        o.order_date,
        n.line_no::smallint AS line_no,
        (least(get_byte(o.h, 0) * 256 + get_byte(o.h, 1), get_byte(o.h, 2) * 256 + get_byte(o.h, 3)) * 60 / 65536
            + (n.line_no - 1) * 17) % 60 + 1 AS product_id,
        decode(md5('item:' || o.id || ':' || n.line_no), 'hex') AS h
    FROM o
    CROSS JOIN generate_series(1, 4) AS n (line_no)
    WHERE n.line_no <= get_byte(o.h, 4) % 4 + 1
)
SELECT
    l.order_id,
    l.line_no,
    l.product_id,
    (ARRAY[1, 1, 1, 1, 1, 1, 2, 2, 3, 5])[get_byte(l.h, 2) % 10 + 1],
    CASE WHEN l.order_date < '2024-01-01' THEN round(p.list_price * 0.95, 2) ELSE p.list_price END,
    (ARRAY[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.05, 0.05, 0.05, 0.10, 0.10, 0.15])[get_byte(l.h, 3) % 20 + 1]
FROM l
JOIN products AS p ON p.id = l.product_id;

-- Rows were inserted with explicit ids: move the identity sequences past them.
SELECT setval(pg_get_serial_sequence('regions', 'id'), (SELECT max(id) FROM regions));
SELECT setval(pg_get_serial_sequence('stores', 'id'), (SELECT max(id) FROM stores));
SELECT setval(pg_get_serial_sequence('sales_reps', 'id'), (SELECT max(id) FROM sales_reps));
SELECT setval(pg_get_serial_sequence('product_categories', 'id'), (SELECT max(id) FROM product_categories));
SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));
SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));

ANALYZE regions, stores, sales_reps, product_categories, products, customers, orders, order_items;
