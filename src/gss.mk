## GSS-API security contexts and WinRM message encryption (MS-WSMV 2.2.9.1).
libbitstop_a_SOURCES += \
	src/wsman_crypt.c src/wsman_crypt.h \
	src/gssauth.c src/gssauth.h \
	src/cfx.c src/cfx.h

check_PROGRAMS += tests/test_wsman_crypt
TESTS += tests/test_wsman_crypt
tests_test_wsman_crypt_SOURCES = tests/test_wsman_crypt.c
tests_test_wsman_crypt_CFLAGS = $(TEST_CFLAGS)
tests_test_wsman_crypt_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)

# bitstop <-> bitsim with Negotiate, Kerberos and NTLM against a throw-away MIT realm
# (real KDC, real GSS-API), and python3-winrm's NTLM encryption against bitsim.
TESTS += tests/test_gss.py tests/test_gss_pywinrm.py tests/test_gss_secrets.py
EXTRA_DIST += tests/test_gss.py tests/test_gss_pywinrm.py tests/test_gss_secrets.py tests/lib/krb5realm.py \
	tests/lib/gss_client.py

check_PROGRAMS += tests/test_cfx
TESTS += tests/test_cfx
tests_test_cfx_SOURCES = tests/test_cfx.c
tests_test_cfx_CFLAGS = $(TEST_CFLAGS) -Wno-deprecated-declarations
tests_test_cfx_LDADD = libbitstop.a $(CORE_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/bench/bench_gss.py
