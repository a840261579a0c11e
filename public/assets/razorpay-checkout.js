// Opens Razorpay's checkout from the pay button on /book/pay. Without this script (or
// JavaScript) the button is a link to Razorpay's own payment page, so nothing here is
// needed to pay; it only keeps the patient on the clinic's page. The checkout's signed
// answer is posted back to the clinic's server, which verifies it against the order it
// stored before believing it.
(function () {
  "use strict";

  // Razorpay's script, loaded once, when the patient first presses the button.
  function withRazorpay(src, then, failed) {
    if (window.Razorpay) {
      then();
      return;
    }
    var script = document.createElement("script");
    script.src = src;
    script.onload = then;
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function open(button) {
    var data = button.dataset;
    var checkout = new window.Razorpay({
      key: data.key,
      order_id: data.order,
      amount: Number(data.amount),
      currency: data.currency,
      description: data.description,
      prefill: { email: data.email },
      handler: function (answer) {
        var form = document.getElementById("razorpay-paid");
        form.elements.razorpay_order_id.value = answer.razorpay_order_id;
        form.elements.razorpay_payment_id.value = answer.razorpay_payment_id;
        form.elements.razorpay_signature.value = answer.razorpay_signature;
        form.submit();
      },
      modal: {
        ondismiss: function () {
          button.focus();
        },
      },
    });
    checkout.on("payment.failed", function (failure) {
      var problem = document.getElementById("razorpay-problem");
      if (problem && failure && failure.error) {
        problem.textContent =
          "The payment didn't go through: " + failure.error.description + " You can try again.";
      }
    });
    checkout.open();
  }

  // Listening on the document (before the router's own link handling) serves the button
  // whether the page was loaded or rendered in the browser.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest("#razorpay-pay");
      if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      withRazorpay(
        button.dataset.script,
        function () {
          open(button);
        },
        function () {
          // Razorpay's script could not load: its own page still takes the payment.
          window.location.href = button.href;
        }
      );
    },
    true
  );
})();
