-- The sample database `make run` serves: a small shop. One statement per line.
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, joined DATE NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, ordered_at DATE NOT NULL);
CREATE INDEX orders_by_customer ON orders(customer_id);
INSERT INTO customers (name, city, joined) VALUES ('Ada Lovelace', 'London', '2024-01-15'), ('Grace Hopper', 'New York', '2024-03-02'), ('Alan Turing', 'Manchester', '2024-06-23'), ('Katherine Johnson', 'Hampton', '2025-02-11');
INSERT INTO products (name, price_cents) VALUES ('Notebook', 450), ('Fountain pen', 3200), ('Desk lamp', 5900), ('Coffee beans 1kg', 2400);
INSERT INTO orders (customer_id, product_id, quantity, ordered_at) VALUES (1, 2, 1, '2025-01-03'), (1, 1, 5, '2025-01-03'), (2, 4, 2, '2025-02-14'), (3, 3, 1, '2025-03-30'), (4, 1, 10, '2025-04-01'), (2, 2, 1, '2025-05-20');
