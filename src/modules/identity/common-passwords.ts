// A short bundled list of passwords that top every breach corpus, checked at signup and
// on password change (ASVS 5 §6.2: block common and breached passwords). Compared in
// lower case. Only those at least MIN_PASSWORD_LENGTH long can matter, but keeping
// shorter ones costs nothing and documents intent should the minimum change.
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '123456789', '12345678', '1234567890', '12345678910', '1234567', '12345', '1234', '111111', '000000',
  '123123', '123321', '654321', '666666', '7777777', '888888', '987654321', '0987654321', '1q2w3e4r', '1q2w3e4r5t',
  '1qaz2wsx', '1qaz2wsx3edc', 'qwerty', 'qwerty123', 'qwertyuiop', 'qwerty1234', 'qwertyuiop123', 'asdfghjkl', 'asdfasdf', 'zxcvbnm',
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'p@ssword123', 'passwordpassword',
  'iloveyou', 'iloveyou123', 'princess', 'sunshine', 'football', 'baseball', 'basketball', 'superman', 'batman123', 'starwars',
  'dragon', 'monkey', 'letmein', 'letmein123', 'welcome', 'welcome1', 'welcome123', 'welcome2024', 'welcome2025', 'welcome2026',
  'admin', 'admin123', 'admin1234', 'administrator', 'root1234', 'changeme', 'changeme123', 'default', 'secret', 'secret123',
  'master', 'master123', 'trustno1', 'whatever', 'freedom', 'shadow', 'michael', 'jennifer', 'jordan23', 'computer',
  'internet', 'samsung123', 'liverpool', 'chelsea123', 'arsenal123', 'charlie123', 'pokemon123', 'minecraft', 'minecraft123', 'fortnite123',
  'summer2024', 'summer2025', 'summer2026', 'winter2024', 'winter2025', 'winter2026', 'spring2025', 'autumn2025', 'december2025', 'january2026',
  'abc123456', 'abcdef123', 'abcd1234', 'a1b2c3d4', 'aa123456', 'asd123456', 'zaq12wsx', 'q1w2e3r4t5', 'q1w2e3r4t5y6', 'qazwsxedc',
  'loveyou123', 'mypassword', 'mypassword1', 'newpassword', 'newpassword1', 'temppassword', 'temp12345', 'test12345', 'testtest', 'test123456',
  'afterresume', 'afterresume1', 'afterresume123', 'resume2026', 'worklog123', 'correcthorsebatterystaple', 'letmein2026', 'hello12345', 'helloworld', 'helloworld123',
])
