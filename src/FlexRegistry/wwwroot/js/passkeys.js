// Passkeys (WebAuthn), offered only where the browser supports them: the sections marked .app-passkey stay hidden
// otherwise, and password, emailed link and provider sign-in work without any script.
const supported = window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON;

const antiforgery = () => document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';

async function post(handler, body) {
  const form = new FormData();
  form.append('__RequestVerificationToken', antiforgery());
  for (const [key, value] of Object.entries(body ?? {})) form.append(key, value);
  return fetch(`${location.pathname}?handler=${handler}`, { method: 'POST', body: form, credentials: 'same-origin' });
}

// The credential goes back through an ordinary form post, so the server answers with a page or a redirect as usual.
function submit(handler, fields) {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = `${location.pathname}?handler=${handler}`;
  for (const [key, value] of Object.entries({ __RequestVerificationToken: antiforgery(), ...fields })) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = key;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

if (supported) {
  for (const section of document.querySelectorAll('.app-passkey')) section.hidden = false;

  document.querySelector('[data-passkey-sign-in]')?.addEventListener('click', async (event) => {
    const options = await (await post('PasskeyOptions')).json();
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    submit('Passkey', { credential: JSON.stringify(credential.toJSON()), returnUrl: event.target.dataset.returnUrl ?? '' });
  });

  document.querySelector('[data-passkey-register]')?.addEventListener('click', async () => {
    const options = await (await post('PasskeyOptions')).json();
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    submit('Passkey', { credential: JSON.stringify(credential.toJSON()) });
  });
}
