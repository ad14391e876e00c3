// The card field of the payment step when the shop uses the Stripe gateway (docs/payments.md):
// Stripe Elements takes the card in Stripe's own frame; on Continue, Stripe.js turns it into a
// PaymentMethod id (pm_...), the only thing about the card the shop's server ever receives.
(function () {
  "use strict";
  var mount = document.getElementById("card-element");
  var form = document.getElementById("payment-form");
  if (!mount || !form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(mount.getAttribute("data-key"));
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount(mount);
  var errors = document.getElementById("card-errors");
  var field = document.getElementById("payment-method");
  form.addEventListener("submit", function (event) {
    var byCard = document.getElementById("pay-card");
    if (field.value || (byCard && !byCard.checked)) { return; }
    event.preventDefault();
    stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
      if (result.error) { errors.textContent = result.error.message; return; }
      field.value = result.paymentMethod.id;
      form.submit();
    });
  });
})();
