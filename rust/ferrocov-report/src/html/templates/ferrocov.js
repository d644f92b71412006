// ferrocov HTML report: sorting, filtering and keyboard navigation.
// Plain script, no modules, no network: works when opened from file://.
"use strict";

(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const typing = (ev) => ev.target && /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName);

  function setupHelp(keys) {
    const help = $("#help");
    const button = $(".help-button");
    const toggle = () => {
      help.hidden = !help.hidden;
      button.setAttribute("aria-expanded", String(!help.hidden));
    };
    button.addEventListener("click", toggle);
    keys["?"] = toggle;
  }

  // ---- index pages -------------------------------------------------------

  function sortBy(table, th) {
    const col = th.dataset.col;
    const numeric = th.dataset.type === "num";
    const next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    $$("th", table).forEach((h) => h.setAttribute("aria-sort", "none"));
    th.setAttribute("aria-sort", next);
    const body = table.tBodies[0];
    const key = (row) => {
      const v = $(`td[data-col="${col}"]`, row).dataset.sort;
      return numeric ? parseFloat(v) : v.toLowerCase();
    };
    const rows = $$("tr", body);
    rows.sort((a, b) => {
      const ka = key(a), kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return next === "ascending" ? c : -c;
    });
    rows.forEach((r) => body.appendChild(r));
    try { localStorage.setItem("ferrocov-sort:" + location.pathname, col + ":" + next); } catch (e) { /* file:// may forbid */ }
  }

  function applyFilter() {
    const text = $("#filter").value.trim().toLowerCase();
    const hideCovered = $("#hide-covered").checked;
    const hideEmpty = $("#hide-empty").checked;
    let shown = 0;
    const rows = $$("#index tbody tr");
    rows.forEach((row) => {
      const name = $$("td[data-col=file], td[data-col=name]", row).map((td) => td.dataset.sort.toLowerCase()).join(" ");
      const hide = (text && !name.includes(text))
        || (hideCovered && row.dataset.covered === "true")
        || (hideEmpty && row.dataset.empty === "true");
      row.hidden = hide;
      if (!hide) shown += 1;
    });
    $("#shown-count").textContent = shown === rows.length ? "" : `${shown} of ${rows.length} shown`;
    $("#no-rows").hidden = shown !== 0;
  }

  function setupIndex(keys) {
    const table = $("#index");
    $$("th", table).forEach((th) => {
      th.addEventListener("click", () => sortBy(table, th));
      if (th.dataset.key) keys[th.dataset.key] = () => sortBy(table, th);
    });
    ["#filter", "#hide-covered", "#hide-empty"].forEach((sel) => $(sel).addEventListener("input", applyFilter));
    keys["/"] = (ev) => { ev.preventDefault(); $("#filter").focus(); };
    const first = $("#first-file");
    if (first) keys["n"] = () => { location.href = first.href; };
  }

  // ---- file pages --------------------------------------------------------

  // Chunks: runs of consecutive missing or partial lines.
  function findChunks() {
    const chunks = [];
    let current = null;
    $$("#source .line").forEach((line) => {
      const uncovered = line.classList.contains("cov-mis") || line.classList.contains("cov-par");
      if (uncovered) {
        if (!current) { current = []; chunks.push(current); }
        current.push(line);
      } else if (!line.classList.contains("cov-none") || !current) {
        current = null;
      }
    });
    return chunks;
  }

  function setupFile(keys) {
    const chunks = findChunks();
    let at = -1;
    const show = (i) => {
      if (!chunks.length) return;
      at = (i + chunks.length) % chunks.length;
      $$(".chunk-focus").forEach((l) => l.classList.remove("chunk-focus"));
      chunks[at].forEach((l) => l.classList.add("chunk-focus"));
      const first = chunks[at][0];
      first.scrollIntoView({ block: "center" });
      first.querySelector(".n").focus({ preventScroll: true });
      history.replaceState(null, "", "#" + first.id);
    };
    keys["j"] = () => show(at + 1);
    keys["k"] = () => show(at < 0 ? chunks.length - 1 : at - 1);
    keys["0"] = () => { at = -1; window.scrollTo(0, 0); };
    keys["]"] = () => { location.href = $("#next-file").href; };
    keys["["] = () => { location.href = $("#prev-file").href; };
    keys["u"] = () => { location.href = "index.html"; };
    const toggles = { r: "cov-run", m: "cov-mis", x: "cov-exc", p: "cov-par" };
    $$(".toggle").forEach((button) => {
      const cls = button.dataset.show;
      const flip = () => {
        const on = document.body.classList.toggle("hide-" + cls);
        button.classList.toggle("on", !on);
        button.setAttribute("aria-pressed", String(!on));
      };
      button.addEventListener("click", flip);
      for (const [key, c] of Object.entries(toggles)) if (c === cls) keys[key] = flip;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const keys = {};
    setupHelp(keys);
    if (document.body.classList.contains("page-index")) setupIndex(keys);
    if (document.body.classList.contains("page-file")) setupFile(keys);
    document.addEventListener("keydown", (ev) => {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const action = keys[ev.key];
      if (action) action(ev);
    });
  });
})();
