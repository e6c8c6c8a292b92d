// Starts Swagger UI on the page's OpenAPI document (a file of its own, not inline, so a
// Content-Security-Policy without 'unsafe-inline' scripts allows it).
window.ui = SwaggerUIBundle({
  url: '/api-docs/openapi.json',
  dom_id: '#api-docs',
  deepLinking: true,
  // The API's paths are on this origin (the inbox's distribution passes them to API Gateway).
  tryItOutEnabled: false,
  persistAuthorization: false,
});
