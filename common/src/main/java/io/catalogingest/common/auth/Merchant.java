package io.catalogingest.common.auth;

import java.security.Principal;

/** The authenticated caller: a merchant, through one of its API keys. */
public record Merchant(String merchantId, String role) implements Principal {
    public static final String ADMIN = "ADMIN";
    public static final String MERCHANT = "MERCHANT";

    @Override
    public String getName() {
        return merchantId;
    }

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** Admins may read every merchant's uploads; merchants only their own. */
    public boolean mayRead(String ownerMerchantId) {
        return isAdmin() || merchantId.equals(ownerMerchantId);
    }
}
