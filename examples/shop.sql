-- A small shop made in SQL, the same on every machine: customers and their orders.
-- Randomness comes from hash(), so the data is fixed without shipping a file.
CREATE OR REPLACE TABLE customers AS
SELECT
    i + 1 AS customer_id,
    'C-' || lpad((i + 1)::VARCHAR, 6, '0') AS customer_code,
    ['Ana', 'Bruno', 'Carla', 'Diogo', 'Eva', 'Filipe', 'Gabriela', 'Hugo', 'Ines', 'Joao', 'Lara', 'Miguel',
     'Nuno', 'Olga', 'Pedro', 'Rita', 'Sofia', 'Tiago', 'Vera', 'Xavier'][(1 + hash(i, 1) % 20)::INTEGER] || ' ' ||
    ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Jesus', 'Sousa',
     'Fernandes', 'Goncalves', 'Gomes', 'Lopes', 'Marques'][(1 + hash(i, 2) % 15)::INTEGER] AS full_name,
    ['Lisbon', 'Porto', 'Braga', 'Coimbra', 'Faro', 'Aveiro', 'Funchal', 'Evora'][(1 + (hash(i, 3) % 64) // 8 * (hash(i, 4) % 2))::INTEGER] AS city,
    DATE '2019-01-01' + (hash(i, 5) % 1800)::INTEGER AS signup_date,
    hash(i, 6) % 10 < 2 AS is_business
FROM range(5000) t(i);

CREATE OR REPLACE TABLE orders AS
WITH u AS (
    SELECT i, [(hash(i, k, 0) >> 11)::DOUBLE * 1.1102230246251565e-16 FOR k IN range(8)] AS u FROM range(40000) t(i)
)
SELECT
    i + 1 AS order_id,
    1 + floor(5000 * u[1] * u[1])::INTEGER AS customer_id,
    TIMESTAMP '2023-01-01' + to_seconds(floor(86400 * 600 * sqrt(u[2]))::BIGINT) AS ordered_at,
    CASE WHEN u[3] < 0.70 THEN 'delivered' WHEN u[3] < 0.85 THEN 'shipped' WHEN u[3] < 0.95 THEN 'pending'
         ELSE 'cancelled' END AS status,
    (1 + floor(-3 * ln(1 - u[4]))::INTEGER)::SMALLINT AS items,
    round(exp(3.2 + 0.9 * sqrt(-2 * ln(u[5] + 1e-12)) * cos(2 * pi() * u[6])), 2)::DECIMAL(10, 2) AS amount,
    CASE WHEN u[7] < 0.3 THEN NULL ELSE
        ['please', 'leave', 'the', 'parcel', 'at', 'the', 'door', 'call', 'before', 'delivery', 'gift', 'wrap',
         'fragile', 'handle', 'with', 'care', 'no', 'plastic', 'thanks', 'ring', 'twice'][(1 + hash(i, 9) % 21)::INTEGER]
        || ' ' || ['the', 'my', 'a', 'this', 'our'][(1 + hash(i, 10) % 5)::INTEGER]
        || ' ' || ['order', 'box', 'package', 'delivery', 'neighbour', 'doorbell', 'gate'][(1 + hash(i, 11) % 7)::INTEGER]
        || CASE WHEN u[8] < 0.5 THEN ' please' ELSE ' if possible, thanks' END
    END AS note
FROM u;
