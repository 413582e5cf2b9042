//! The `chatbi_demo` set (`migrations_demo/`) on a real PostgreSQL server: it applies, the seed
//! is deterministic, and questions have fixed answers.
//!
//! The expected figures are pinned as literals (observed once, then confirmed by two different
//! SQL formulations) and are also recomputed here in Rust from the raw order lines, so a change
//! of the seed, of the generated `line_total` column or of the `sales` view fails a test.

use std::collections::BTreeMap;
use std::str::FromStr;

use chatbi_db::testing::TestDb;
use rust_decimal::{Decimal, RoundingStrategy};

const SCHEMA_UP: &str = include_str!("../migrations_demo/0001_sales_schema.up.sql");
const SCHEMA_DOWN: &str = include_str!("../migrations_demo/0001_sales_schema.down.sql");
const SEED_UP: &str = include_str!("../migrations_demo/0002_seed_data.up.sql");
const SEED_DOWN: &str = include_str!("../migrations_demo/0002_seed_data.down.sql");

/// Revenue (line totals of completed orders) per month, 2023-01 .. 2024-12.
const MONTHLY_REVENUE: [(&str, &str); 24] = [
    ("2023-01", "180983.53"),
    ("2023-02", "200220.53"),
    ("2023-03", "216010.02"),
    ("2023-04", "252020.56"),
    ("2023-05", "344207.09"),
    ("2023-06", "322946.24"),
    ("2023-07", "310363.24"),
    ("2023-08", "313796.35"),
    ("2023-09", "339282.25"),
    ("2023-10", "368249.12"),
    ("2023-11", "364643.46"),
    ("2023-12", "359794.86"),
    ("2024-01", "360155.49"),
    ("2024-02", "398416.16"),
    ("2024-03", "450500.15"),
    ("2024-04", "466698.10"),
    ("2024-05", "447160.17"),
    ("2024-06", "465928.00"),
    ("2024-07", "472802.21"),
    ("2024-08", "539653.27"),
    ("2024-09", "492720.89"),
    ("2024-10", "555963.06"),
    ("2024-11", "538357.68"),
    ("2024-12", "569354.04"),
];
const TOTAL_REVENUE: &str = "9330226.47";
const GROSS_ALL_STATUSES: &str = "10428012.69";
const TOP_PRODUCT: (&str, &str) = ("Nimbus Laptop Pro", "651903.59");

fn apply(client: &mut postgres::Client, sql: &str) {
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(sql)
        .unwrap_or_else(|e| panic!("migration failed: {}", chatbi_db::db::pg_error_text(&e)));
    tx.commit().expect("commit");
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn text(client: &mut postgres::Client, sql: &str) -> String {
    client
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

fn int(client: &mut postgres::Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// Per-month revenue, total and top product, computed in Rust from the raw rows: line total =
/// quantity × unit price × (1 − discount) rounded half away from zero to cents, as
/// PostgreSQL's `round(numeric, 2)` does. Also checks each stored `line_total` against it.
struct Recomputed {
    monthly: BTreeMap<String, Decimal>,
    total: Decimal,
    gross: Decimal,
    top_product: (String, Decimal),
}

fn recompute(client: &mut postgres::Client) -> Recomputed {
    let orders: BTreeMap<i64, (String, String)> = client
        .query("select id, order_date::text, status from orders", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let products: BTreeMap<i32, String> = client
        .query("select id, name from products", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let lines = client
        .query(
            "select order_id, product_id, quantity, unit_price::text, discount::text, line_total::text
             from order_items",
            &[],
        )
        .unwrap();
    let mut monthly = BTreeMap::new();
    let mut by_product: BTreeMap<i32, Decimal> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    let mut gross = Decimal::ZERO;
    for row in &lines {
        let order_id: i64 = row.get(0);
        let product_id: i32 = row.get(1);
        let quantity = Decimal::from(row.get::<_, i32>(2));
        let price = dec(row.get(3));
        let discount = dec(row.get(4));
        let amount = (quantity * price * (Decimal::ONE - discount))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(
            amount,
            dec(row.get(5)),
            "line_total of order {order_id}, product {product_id}"
        );
        gross += amount;
        let (date, status) = &orders[&order_id];
        if status == "completed" {
            *monthly.entry(date[..7].to_owned()).or_insert(Decimal::ZERO) += amount;
            *by_product.entry(product_id).or_insert(Decimal::ZERO) += amount;
            total += amount;
        }
    }
    let (top_id, top_revenue) = by_product
        .iter()
        .max_by_key(|(_, revenue)| **revenue)
        .map(|(id, revenue)| (*id, *revenue))
        .expect("some revenue");
    Recomputed {
        monthly,
        total,
        gross,
        top_product: (products[&top_id].clone(), top_revenue),
    }
}

#[test]
fn demo_set_applies_and_answers_fixed_questions() {
    let db = TestDb::new();
    let mut c = db.client();
    apply(&mut c, SCHEMA_UP);
    apply(&mut c, SEED_UP);

    // Sizes.
    for (table, expected) in [
        ("regions", 5),
        ("stores", 10),
        ("sales_reps", 15),
        ("product_categories", 8),
        ("products", 60),
        ("customers", 600),
        ("orders", 6000),
        ("order_items", 14945),
    ] {
        assert_eq!(
            int(&mut c, &format!("select count(*) from {table}")),
            expected,
            "rows in {table}"
        );
    }
    assert_eq!(int(&mut c, "select count(*) from calendar"), 731);

    // Exactly 24 months, fixed dates.
    assert_eq!(
        text(
            &mut c,
            "select min(order_date)::text || ' ' || max(order_date)::text from orders"
        ),
        "2023-01-01 2024-12-31"
    );
    let statuses: Vec<(String, i64)> = c
        .query(
            "select status, count(*) from orders group by status order by status",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        statuses,
        [
            ("cancelled".to_owned(), 274),
            ("completed".to_owned(), 5372),
            ("returned".to_owned(), 354)
        ]
    );
    assert_eq!(
        int(
            &mut c,
            "select count(*) from customers c where not exists (select 1 from orders o where o.customer_id = c.id)"
        ),
        31
    );

    // Revenue per month, first formulation: orders joined to their lines, stored line totals.
    let sql_monthly: Vec<(String, String)> = c
        .query(
            "select to_char(o.order_date, 'YYYY-MM'), sum(i.line_total)::text
               from orders o join order_items i on i.order_id = o.id
              where o.status = 'completed'
              group by 1 order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let pinned: Vec<(String, String)> = MONTHLY_REVENUE
        .iter()
        .map(|(m, r)| (m.to_string(), r.to_string()))
        .collect();
    assert_eq!(sql_monthly.len(), 24);
    assert_eq!(sql_monthly, pinned);

    // Second formulation: the `sales` view, months by date_trunc, amounts recomputed.
    let view_monthly: Vec<(String, String)> = c
        .query(
            "select to_char(date_trunc('month', order_date), 'YYYY-MM'),
                    sum(round(quantity * unit_price * (1 - discount), 2))::text
               from sales where status = 'completed' group by 1 order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(view_monthly, pinned);

    // Third: in Rust from the raw rows.
    let rust = recompute(&mut c);
    let rust_monthly: Vec<(String, String)> = rust
        .monthly
        .iter()
        .map(|(m, r)| (m.clone(), format!("{r:.2}")))
        .collect();
    assert_eq!(rust_monthly, pinned);
    assert_eq!(rust.total, dec(TOTAL_REVENUE));
    assert_eq!(rust.gross, dec(GROSS_ALL_STATUSES));
    assert_eq!(
        rust.top_product,
        (TOP_PRODUCT.0.to_owned(), dec(TOP_PRODUCT.1))
    );
    let pinned_sum: Decimal = MONTHLY_REVENUE.iter().map(|(_, r)| dec(r)).sum();
    assert_eq!(pinned_sum, dec(TOTAL_REVENUE));

    // The answers an assistant would give, through the view.
    assert_eq!(
        text(
            &mut c,
            "select sum(revenue)::text from sales where status = 'completed'"
        ),
        TOTAL_REVENUE
    );
    assert_eq!(
        text(
            &mut c,
            "select product_name || ' ' || sum(revenue)::text from sales where status = 'completed'
              group by product_name order by sum(revenue) desc limit 1"
        ),
        format!("{} {}", TOP_PRODUCT.0, TOP_PRODUCT.1)
    );
    let by_region: Vec<(String, String)> = c
        .query(
            "select region, sum(revenue)::text from sales where status = 'completed'
              group by region order by sum(revenue) desc",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected_regions = [
        ("Northeast", "2115737.02"),
        ("Midwest", "2100708.00"),
        ("Southeast", "1794345.03"),
        ("Southwest", "1749948.49"),
        ("West", "1569487.93"),
    ];
    assert_eq!(
        by_region,
        expected_regions.map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        text(
            &mut c,
            "select category from sales where status = 'completed'
              group by category order by sum(revenue) desc limit 1"
        ),
        "Laptops"
    );
    assert_eq!(
        text(
            &mut c,
            "select sum(margin)::text from sales where status = 'completed'"
        ),
        "2599024.49"
    );

    // Every row, fingerprinted: any change to the generator shows up here.
    assert_eq!(
        text(
            &mut c,
            "select md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s', id, order_number, customer_id,
                    order_date, channel, store_id, sales_rep_id, status, shipped_date), E'\\n' order by id))
               from orders"
        ),
        "d2442d15fb6de8effdc01de56b6f5efc"
    );
    assert_eq!(
        text(
            &mut c,
            "select md5(string_agg(format('%s|%s|%s|%s|%s|%s', order_id, line_no, product_id, quantity,
                    unit_price, discount), E'\\n' order by order_id, line_no))
               from order_items"
        ),
        "ee0269b5d4d8cf253e3193a1e6b59bac"
    );

    // Identity sequences were moved past the seeded ids.
    c.batch_execute("insert into regions (name, country) values ('Pacific', 'United States')")
        .unwrap();
    assert_eq!(
        int(
            &mut c,
            "select id::bigint from regions where name = 'Pacific'"
        ),
        6
    );
}

#[test]
fn demo_set_reverts_and_reseeds_identically() {
    let db = TestDb::new();
    let mut c = db.client();
    apply(&mut c, SCHEMA_UP);
    apply(&mut c, SEED_UP);
    let first = recompute(&mut c);

    apply(&mut c, SEED_DOWN);
    for table in [
        "regions",
        "stores",
        "sales_reps",
        "product_categories",
        "products",
        "customers",
        "orders",
        "order_items",
    ] {
        assert_eq!(
            int(&mut c, &format!("select count(*) from {table}")),
            0,
            "{table} not emptied"
        );
    }
    apply(&mut c, SCHEMA_DOWN);
    assert_eq!(
        int(
            &mut c,
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public'"
        ),
        0,
        "the down migrations left relations behind"
    );
    assert_eq!(
        int(
            &mut c,
            "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace
              where n.nspname = 'public'"
        ),
        0,
        "the down migrations left types behind"
    );

    apply(&mut c, SCHEMA_UP);
    apply(&mut c, SEED_UP);
    let second = recompute(&mut c);
    assert_eq!(second.monthly, first.monthly);
    assert_eq!(second.total, dec(TOTAL_REVENUE));
    assert_eq!(second.top_product, first.top_product);
}

#[test]
fn migration_files_parse_with_cores_parser() {
    for (name, sql) in [
        ("0001 up", SCHEMA_UP),
        ("0001 down", SCHEMA_DOWN),
        ("0002 up", SEED_UP),
        ("0002 down", SEED_DOWN),
    ] {
        let parsed = chatbi_db::core::syntax::parse(sql);
        assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        assert!(!parsed.statements.is_empty(), "{name}: no statements");
    }
}
