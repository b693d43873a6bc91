// Sign-in for both uploader pages (this one and the Uppy page under uppy/): Cognito's own API,
// called from the page as a single-page app does (USER_PASSWORD_AUTH), for the ID token the API's
// authorizer takes. Nothing here logs the password or the token.

// The ID token for `email`, or an Error whose message the page can show as it is.
export async function signIn(cognito, email, password) {
  let response;
  try {
    response = await fetch(cognito.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: cognito.client_id,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    });
  } catch {
    throw new Error("Could not reach the sign-in service.");
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok || !answer || !answer.AuthenticationResult) {
    throw new Error(`Sign-in failed: ${(answer && answer.message) || "check your email and password"}.`);
  }
  return answer.AuthenticationResult.IdToken;
}
