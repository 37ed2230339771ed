"""GOV.UK Design System building blocks shared by every app: the form helper, the date
field and pagination. Plain Python, no models: any app may import it."""
