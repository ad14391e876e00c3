// Builds static/omnishop/vendor/storefront.css, the storefront's one stylesheet: Oscar's
// styles.css (Bootstrap 4 and Oscar's own rules) purged by PurgeCSS to the classes that the
// storefront's templates, forms and scripts name, followed by static/omnishop/omnishop.css.
// Run it through bench/storefront_css.sh, which installs PurgeCSS from npm and finds Oscar.
const fs = require("fs");
const path = require("path");
const { PurgeCSS } = require("purgecss");

const ROOT = path.resolve(__dirname, "..");
const OSCAR = process.argv[2];
const OUT = path.join(ROOT, "static/omnishop/vendor/storefront.css");
const OURS = path.join(ROOT, "static/omnishop/omnishop.css");

function files(dir, pattern, skip) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip.some((s) => full.includes(s))) continue;
    if (entry.isDirectory()) found.push(...files(full, pattern, skip));
    else if (pattern.test(entry.name)) found.push(full);
  }
  return found;
}

// Staff pages have stylesheets of their own: the dashboard (Oscar's dashboard.css), the console.
const notStorefront = ["/dashboard/", "/console/", "/templates/api/"];
const content = [
  ...files(path.join(ROOT, "templates"), /\.html$/, notStorefront),
  ...files(path.join(OSCAR, "templates/oscar"), /\.html$/, notStorefront),
  ...files(path.join(ROOT, "apps"), /\.py$/, ["/dashboard/", "/console/", "/migrations/"]),
  ...files(path.join(OSCAR, "apps"), /forms\.py$|widgets\.py$/, ["/dashboard/"]),
  ...files(path.join(OSCAR, "forms"), /\.py$/, []),
  path.join(OSCAR, "static/oscar/js/oscar/ui.js"),
  ...files(path.join(ROOT, "static/omnishop"), /\.js$/, ["/vendor/"]),
];

// Classes Bootstrap's and Oscar's scripts add at run time, and message tags (alert-<tag>).
const safelist = {
  standard: ["show", "showing", "collapsing", "fade", "active", "disabled", "in", "modal-open"],
  greedy: [/^carousel-item-/, /^modal/, /^dropdown/, /^alert-/, /^tooltip/, /^popover/, /^bs-/],
};

function tidy(css) {
  return css
    .replace(/\/\*(?!!)[\s\S]*?\*\//g, "") // comments, keeping /*! licences */
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
}

(async () => {
  const [purged] = await new PurgeCSS().purge({
    content,
    css: [path.join(OSCAR, "static/oscar/css/styles.css")],
    safelist,
    keyframes: true,
    variables: true,
  });
  const banner =
    "/*! Omnishop storefront: Bootstrap v4 (MIT, (c) The Bootstrap Authors, Twitter Inc.) and " +
    "django-oscar (BSD) styles purged to what the storefront uses, then omnishop.css. " +
    "Built by bench/storefront_css.sh: do not edit. */\n";
  const ours = fs.readFileSync(OURS, "utf8");
  // Oscar's icon fonts stay where Oscar's static files put them (oscar/webfonts/): seen from
  // omnishop/vendor/ that is two folders up. A wrong path fails collectstatic in production.
  const css = tidy(purged.css).replaceAll("url(\"../webfonts/", "url(\"../../oscar/webfonts/");
  fs.writeFileSync(OUT, banner + css + "\n" + ours);
  const before = fs.statSync(path.join(OSCAR, "static/oscar/css/styles.css")).size;
  console.log(`${path.relative(ROOT, OUT)}: ${fs.statSync(OUT).size} bytes (styles.css: ${before})`);
})();
