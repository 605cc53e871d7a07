//! The built-in list behind `Accounts_UseDefaultBlockedDomainsList`: disposable and abusive
//! e-mail domains. Rocket.Chat ships a long list that includes `example.com`; this is a
//! representative subset of it (the well-known disposable providers).

const DOMAINS: &[&str] = &[
    "0-mail.com",
    "10minutemail.com",
    "10minutemail.net",
    "126.com",
    "139.com",
    "163.com",
    "20minutemail.com",
    "21cn.com",
    "33mail.com",
    "anonbox.net",
    "anonymbox.com",
    "bccto.me",
    "binkmail.com",
    "bobmail.info",
    "bugmenot.com",
    "chacuo.net",
    "deadaddress.com",
    "discard.email",
    "discardmail.com",
    "dispostable.com",
    "dodgeit.com",
    "dropmail.me",
    "e4ward.com",
    "emailondeck.com",
    "example.com",
    "example.net",
    "example.org",
    "fakeinbox.com",
    "fakemail.net",
    "getairmail.com",
    "getnada.com",
    "guerrillamail.biz",
    "guerrillamail.com",
    "guerrillamail.de",
    "guerrillamail.info",
    "guerrillamail.net",
    "guerrillamail.org",
    "guerrillamailblock.com",
    "harakirimail.com",
    "incognitomail.com",
    "jetable.org",
    "mail.ru",
    "mailcatch.com",
    "maildrop.cc",
    "mailexpire.com",
    "mailinator.com",
    "mailinator.net",
    "mailinator2.com",
    "mailnesia.com",
    "mailnull.com",
    "mintemail.com",
    "moakt.com",
    "mohmal.com",
    "mt2015.com",
    "mytemp.email",
    "mytrashmail.com",
    "nowmymail.com",
    "qq.com",
    "sharklasers.com",
    "sina.com",
    "sogou.com",
    "sohu.com",
    "spam4.me",
    "spambog.com",
    "spambox.us",
    "spamgourmet.com",
    "spamex.com",
    "spamfree24.org",
    "spamspot.com",
    "tempail.com",
    "tempinbox.com",
    "tempmail.net",
    "tempmailo.com",
    "temp-mail.org",
    "tempr.email",
    "throwawaymail.com",
    "tom.com",
    "trash-mail.com",
    "trashmail.com",
    "trashmail.net",
    "wegwerfmail.de",
    "yeah.net",
    "yopmail.com",
    "yopmail.fr",
    "yopmail.net",
    "zoemail.org",
];

/// Is `domain` (lower-case) on the built-in list?
pub fn contains(domain: &str) -> bool {
    let d = domain.trim().to_ascii_lowercase();
    DOMAINS.contains(&d.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup() {
        assert!(super::contains("Example.COM"));
        assert!(!super::contains("rc-users.test"));
    }
}
