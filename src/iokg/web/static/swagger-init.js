// Starts Swagger UI on /docs. A file, not an inline script, so the page obeys the
// Content-Security-Policy every page carries (script-src 'self'). Swagger UI 5: the bundle alone,
// its base layout, no standalone preset (a file the app does not serve).
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapi,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis],
});
