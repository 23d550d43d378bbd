// TPC-C statements as the audit log shows them (mysql2 interpolates values client-side), in the
// `\'` form Aurora MySQL sends: the workload the fingerprint and rule benchmarks run on.
export const TPCC_STATEMENTS: readonly string[] = [
  "SELECT c_id FROM customer WHERE c_w_id = 1 AND c_d_id = 7 AND c_last = \\'BARBARABLE\\' ORDER BY c_first",
  'SELECT w_tax FROM warehouse WHERE w_id = 1',
  'SELECT c_discount, c_last, c_credit FROM customer WHERE c_w_id = 1 AND c_d_id = 7 AND c_id = 2113',
  'SELECT i_id, i_price, i_name, i_data FROM item WHERE i_id IN (8812, 17, 40211, 99001, 5532, 7781, 1201, 66012)',
  'SELECT s_i_id, s_quantity, s_dist_07 AS dist, s_data FROM stock WHERE s_w_id = 1 AND s_i_id IN (17, 1201, 5532, 7781) ORDER BY s_i_id FOR UPDATE',
  'SELECT d_tax, d_next_o_id FROM district WHERE d_w_id = 1 AND d_id = 7 FOR UPDATE',
  'UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = 1 AND d_id = 7',
  "INSERT INTO orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local) VALUES (3001, 7, 1, 2113, \\'2026-12-06 13:40:11\\', NULL, 8, 1)",
  'INSERT INTO new_orders (no_o_id, no_d_id, no_w_id) VALUES (3001, 7, 1)',
  "UPDATE customer SET c_balance = c_balance - 1250.5, c_ytd_payment = c_ytd_payment + 1250.5, c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = 1 AND c_d_id = 7 AND c_id = 2113",
  "INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data) VALUES (2113, 7, 1, 7, 1, \\'2026-12-06 13:40:11\\', 1250.5, \\'W1    D7\\')",
  'UPDATE warehouse SET w_ytd = w_ytd + 1250.5 WHERE w_id = 1',
  'SELECT o_id, o_entry_d, o_carrier_id FROM orders WHERE o_w_id = 1 AND o_d_id = 7 AND o_c_id = 2113 ORDER BY o_id DESC LIMIT 1',
  'DELETE FROM new_orders WHERE no_w_id = 1 AND no_d_id = 7 AND no_o_id = 2101',
  'SELECT COALESCE(SUM(ol_amount), 0) AS total FROM order_line WHERE ol_w_id = 1 AND ol_d_id = 7 AND ol_o_id = 2101',
  'COMMIT',
];
