// Starts Swagger UI on the document of this server. A file rather than an inline script, so
// that the page's Content-Security-Policy allows scripts from 'self' only. validatorUrl null
// keeps Swagger UI from sending the document to an online validator.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/schema/",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    validatorUrl: null,
  });
});
