"""The web console in a real headless Chromium against `graphplex.http.HttpServer` (issue 19): log in, run
queries and see the table and the graph, errors with their code and caret, EXPLAIN's plan tree, the graph's cap,
terminating a driver's transaction from the transactions panel, the databases panel, and no CSP violation."""
import pytest

from graphplex.errors import ClientError

WAIT = 15


def wait_for(page, condition, message):
    """Wait until `condition(page)` holds; an element gone meanwhile (a panel re-renders) just means try again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(page, WAIT, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]) \
        .until(lambda d: condition(d), message)


def css(page, selector):
    from selenium.webdriver.common.by import By

    return page.find_elements(By.CSS_SELECTOR, selector)


def editor(page, selector=".cm-content"):
    """Elements of the editor, which lives in a shadow root of #editor."""
    from selenium.webdriver.common.by import By

    return page.find_element(By.ID, "editor").shadow_root.find_elements(By.CSS_SELECTOR, selector)


def log_in(page, password):
    from selenium.webdriver.common.by import By

    wait_for(page, lambda d: css(d, "#login-form"), "the login form never appeared")
    user = page.find_element(By.ID, "login-user")
    user.clear()
    user.send_keys("neo4j")
    page.find_element(By.ID, "login-password").send_keys(password)
    page.find_element(By.ID, "login-button").click()


def logged_in(page, password):
    log_in(page, password)
    wait_for(page, lambda d: d.find_element("id", "workspace").is_displayed(), "the workspace never appeared")


def run(page, text, frames):
    """Put `text` in the editor, run it with Ctrl-Enter, and wait for `frames` result frames."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.execute_script("window.graphplexConsole.setQuery(arguments[0])", text)
    editor(page)[0].click()
    ActionChains(page).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait_for(page, lambda d: len(css(d, "#results .frame")) == frames and
             d.find_element("id", "status").text.startswith(("Done", "Failed")), f"{frames} frames never came")
    return css(page, "#results .frame")


def graph_node_count(page):
    return page.execute_script("const cy = window.graphplexConsole.lastGraph(); return cy ? cy.nodes().length : -1")


def csp_violations(page):
    return [entry["message"] for entry in page.get_log("browser") if "Content Security Policy" in entry["message"]
            or "Refused to" in entry["message"]]


def test_a_wrong_password_is_refused_and_the_right_one_logs_in(page, console_password):
    log_in(page, password="not-the-password")
    wait_for(page, lambda d: d.find_element("id", "login-error").is_displayed(), "no login error shown")
    assert "Neo.ClientError.Security.Unauthorized" in page.find_element("id", "login-error").text
    assert not page.find_element("id", "workspace").is_displayed()
    logged_in(page, console_password)
    options = [o.text for o in css(page, "#database-select option")]
    assert options == ["neo4j", "system"]
    assert page.find_element("id", "database-select").get_attribute("value") == "neo4j"
    assert page.execute_script("return document.cookie + JSON.stringify(localStorage) + "
                               "JSON.stringify(sessionStorage)").find(console_password) == -1


def test_a_user_who_must_change_the_password_changes_it_at_login(page, console_dbms, console_password):
    with console_dbms.session(auth=("neo4j", console_password)) as session:
        session.run("CREATE USER ann SET PASSWORD 'first-secret' CHANGE REQUIRED").consume()
    wait_for(page, lambda d: css(d, "#login-form"), "the login form never appeared")
    page.find_element("id", "login-user").clear()
    page.find_element("id", "login-user").send_keys("ann")
    page.find_element("id", "login-password").send_keys("first-secret")
    page.find_element("id", "login-button").click()
    wait_for(page, lambda d: d.find_element("id", "login-new-password").is_displayed(), "no new password asked")
    assert "CredentialsExpired" in page.find_element("id", "login-error").text
    page.find_element("id", "login-new-password").send_keys("second-secret")
    page.find_element("id", "login-new-password-again").send_keys("second-secret")
    page.find_element("id", "login-button").click()
    wait_for(page, lambda d: d.find_element("id", "workspace").is_displayed(), "the workspace never appeared")
    with console_dbms.session(auth=("ann", "second-secret")) as session:
        assert session.run("RETURN 1 AS one").single()["one"] == 1


def test_a_typed_query_shows_its_table_and_its_graph(page, console_dbms, console_password):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    with console_dbms.session(auth=("neo4j", console_password)) as session:
        session.run("CREATE (:Person {name: 'Ann'})-[:KNOWS]->(:Person {name: 'Bob'})-[:LIKES]->"
                    "(:Movie {title: 'Heat'})").consume()
    logged_in(page, console_password)
    editor(page)[0].click()
    ActionChains(page).send_keys("MATCH (a)-[r]->(b) RETURN a, r, b ORDER BY a.name").key_down(Keys.CONTROL) \
        .send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait_for(page, lambda d: css(d, "#results .frame .view-graph .graph-canvas canvas"), "no graph drawn")
    assert graph_node_count(page) == 3
    assert page.execute_script("return window.graphplexConsole.lastGraph().edges().map(e => e.data('type')).sort()") \
        == ["KNOWS", "LIKES"]
    captions = page.execute_script("return window.graphplexConsole.lastGraph().nodes().map(n => n.data('caption'))")
    assert sorted(captions) == ["Ann", "Bob", "Heat"]
    css(page, "#results .frame .tab[data-view=table]")[0].click()
    rows = css(page, "#results .frame .view-table tbody tr")
    assert len(rows) == 2
    assert [th.text for th in css(page, "#results .frame .view-table th")] == ["a", "r", "b"]
    assert "Ann" in rows[0].text and "KNOWS" in rows[0].text
    assert csp_violations(page) == []


def test_double_clicking_a_node_expands_its_neighbours(page, console_dbms, console_password):
    with console_dbms.session(auth=("neo4j", console_password)) as session:
        session.run("CREATE (:Person {name: 'Ann'})-[:KNOWS]->(:Person {name: 'Bob'})-[:LIKES]->"
                    "(:Movie {title: 'Heat'})").consume()
    logged_in(page, console_password)
    run(page, "MATCH (a:Person {name: 'Bob'}) RETURN a", frames=1)
    wait_for(page, lambda d: graph_node_count(d) == 1, "no graph drawn")
    page.execute_script("window.graphplexConsole.lastGraph().nodes()[0].emit('dbltap')")
    wait_for(page, lambda d: graph_node_count(d) == 3, "the expansion never came")
    assert page.execute_script("return window.graphplexConsole.lastGraph().edges().map(e => e.data('type')).sort()") \
        == ["KNOWS", "LIKES"]


def test_a_failing_statement_shows_its_code_and_marks_the_caret(page, console_password):
    logged_in(page, console_password)
    frames = run(page, "RETURN 1 AS one;\nMATCH (n)\nRETRUN n;\nRETURN 2 AS never", frames=2)
    assert "1" in frames[0].find_element("css selector", ".view-table").text
    assert frames[1].find_element("css selector", ".error-code").text == "Neo.ClientError.Statement.SyntaxError"
    assert "line 2, column 1" in frames[1].find_element("css selector", ".error-message").text
    marks = editor(page, ".cm-error-mark")
    assert [mark.text for mark in marks] == ["RETRUN"]


def test_an_error_after_rows_shows_the_rows_and_the_error(page, console_password):
    logged_in(page, console_password)
    frames = run(page, "UNWIND [1, 0] AS x RETURN 10 / x AS y;\nRETURN 'never'", frames=1)
    assert frames[0].find_element("css selector", ".error-code").text == "Neo.ClientError.Statement.ArithmeticError"


def test_statements_run_in_order_with_parameters(page, console_dbms, console_password):
    logged_in(page, console_password)
    frames = run(page, ":param who => 'Ann'\n:param n => 3 + 4\nCREATE (:Person {name: $who});\n"
                       "// a comment; not a statement\n/* nor; this */\n"
                       "MATCH (p:Person {name: $who}) RETURN p.name AS name, $n AS n, 'a;b' AS s;\n", frames=4)
    assert frames[3].find_element("css selector", ".view-table tbody").text == "Ann 7 a;b"
    assert "nodesCreated 1" in frames[2].find_element("css selector", ".frame-summary").text
    assert '"n": 7' in page.find_element("id", "parameters").get_attribute("value")


def test_explain_shows_a_plan_tree(page, console_password):
    logged_in(page, console_password)
    frames = run(page, "EXPLAIN MATCH (n:Person) WHERE n.age > 3 RETURN n", frames=1)
    operators = frames[0].find_elements("css selector", ".plan-tree .plan-operator-type")
    names = [o.text for o in operators]
    assert names[0] == "ProduceResults" and len(names) >= 3, names
    assert frames[0].find_elements("css selector", ".plan-tree ul li")


def test_a_big_result_is_capped_with_a_notice(page, console_dbms, console_password):
    with console_dbms.session(auth=("neo4j", console_password)) as session:
        session.run("UNWIND range(1, 2500) AS i CREATE (:Item {id: i})").consume()
    logged_in(page, console_password)
    run(page, "MATCH (n:Item) RETURN n", frames=1)
    wait_for(page, lambda d: graph_node_count(d) > 0, "no graph drawn")
    assert graph_node_count(page) == 2000
    notice = css(page, "#results .graph-notice")[0]
    assert notice.is_displayed()
    assert "2,000 of 2,500 nodes" in notice.text
    layout_ms = int(css(page, "#results .view-graph")[0].get_attribute("data-layout-ms"))
    assert layout_ms < 5000, layout_ms
    assert "first 1,000 of 2,500 rows" in css(page, "#results .table-notice")[0].text


def test_a_drivers_transaction_is_terminated_from_the_panel(page, console_dbms, console_password):
    with console_dbms.session(auth=("neo4j", console_password)) as session:
        transaction = session.begin_transaction()
        transaction.run("MATCH (n) RETURN count(n) AS waiting").consume()
        logged_in(page, console_password)
        css(page, "[data-panel=transactions]")[0].click()

        def driver_row(d):
            rows = [r for r in css(d, "#transactions-table tbody tr") if "waiting" in r.text]
            return rows[0] if rows else False

        def terminate(d):
            driver_row(d).find_element("css selector", ".terminate-button").click()
            return True

        wait_for(page, driver_row, "the driver's transaction is not listed")
        wait_for(page, terminate, "no Terminate button for the driver's transaction")
        wait_for(page, lambda d: "Transaction terminated" in d.find_element("id", "transactions-message").text,
                 "no termination message")
        wait_for(page, lambda d: "Terminated" in driver_row(d).text, "the row never shows the termination")
        with pytest.raises(ClientError) as raised:
            transaction.run("RETURN 1").consume()
        assert raised.value.code == "Neo.ClientError.Transaction.Terminated"
        transaction.close()
        wait_for(page, lambda d: not driver_row(d), "the closed transaction stays listed")


def test_the_databases_panel_shows_storage_mode_and_counts(page, console_dbms, console_password):
    with console_dbms.session(auth=("neo4j", console_password)) as session:
        session.run("CREATE (:A)-[:R]->(:B)").consume()
    logged_in(page, console_password)
    css(page, "[data-panel=databases]")[0].click()
    wait_for(page, lambda d: css(d, "#databases-table tr[data-database=neo4j]"), "no databases listed")
    headers = [th.text for th in css(page, "#databases-table th")]
    cells = dict(zip(headers, [td.text for td in css(page, "#databases-table tr[data-database=neo4j] td")]))
    assert cells["storage mode"] == "IN_MEMORY_TRANSACTIONAL"
    assert (cells["nodes"], cells["relationships"]) == ("2", "1")
    assert cells["currentStatus"] == "online"
    assert css(page, "#databases-table tr[data-database=system]")


def test_nothing_the_console_does_violates_its_content_security_policy(page, console_password):
    logged_in(page, console_password)
    run(page, "UNWIND range(1, 30) AS i CREATE (a:N {i: i})-[:NEXT]->(b:M) RETURN a, b", frames=1)
    wait_for(page, lambda d: graph_node_count(d) == 60, "no graph drawn")
    for panel in ("parameters", "history", "transactions", "databases"):
        css(page, f"[data-panel={panel}]")[0].click()
    css(page, "#results .frame .tab[data-view=json]")[0].click()
    page.execute_script("window.graphplexConsole.lastGraph().nodes()[0].emit('dbltap')")
    page.find_element("id", "logout-button").click()
    wait_for(page, lambda d: d.find_element("id", "login").is_displayed(), "logout did not show the login")
    assert csp_violations(page) == []
